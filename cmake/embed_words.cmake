# Compiles word lists (one word a line, '#' comments) into one sorted C array,
# so the library reads no file at run time: the stopword lists
# (data/stopwords/*.txt) and the analyzer's other lists of data/.
# Usage: cmake -DOUT=file.c -DWORD_LISTS="a.txt|b.txt" -DNAME=symbol -P embed_words.cmake
# makes const char *const NAME[] and const size_t NAME_n.
string(REPLACE "|" ";" WORD_LISTS "${WORD_LISTS}")
set(words)
foreach(f IN LISTS WORD_LISTS)
  file(STRINGS "${f}" lines ENCODING UTF-8)
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    if(line STREQUAL "" OR line MATCHES "^#")
      continue()
    endif()
    if(line MATCHES "[\"\\\\ ]")
      message(FATAL_ERROR "${f}: bad word '${line}'")
    endif()
    list(APPEND words "${line}")
  endforeach()
endforeach()
list(REMOVE_DUPLICATES words)
list(SORT words COMPARE STRING)   # byte order, the order wl_has searches
list(LENGTH words n)
set(body "")
foreach(w IN LISTS words)
  string(APPEND body "    \"${w}\",\n")
endforeach()
file(WRITE "${OUT}.tmp"
  "/* Generated from ${WORD_LISTS} by cmake/embed_words.cmake; do not edit. */\n"
  "#include \"stemming/stemming.h\"\n\n"
  "const char *const ${NAME}[] = {\n${body}};\n"
  "const size_t ${NAME}_n = ${n};\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
