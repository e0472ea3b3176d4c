# Compiles the stopword lists (data/stopwords/*.txt, one word a line, '#'
# comments) into one sorted C array, so the library reads no file at run time.
# Usage: cmake -DOUT=file.c -DSTOP_LISTS="a.txt|b.txt" -P embed_stopwords.cmake
string(REPLACE "|" ";" STOP_LISTS "${STOP_LISTS}")
set(words)
foreach(f IN LISTS STOP_LISTS)
  file(STRINGS "${f}" lines ENCODING UTF-8)
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    if(line STREQUAL "" OR line MATCHES "^#")
      continue()
    endif()
    if(line MATCHES "[\"\\\\ ]")
      message(FATAL_ERROR "${f}: bad stopword '${line}'")
    endif()
    list(APPEND words "${line}")
  endforeach()
endforeach()
list(REMOVE_DUPLICATES words)
list(SORT words COMPARE STRING)   # byte order, the order stop_is_stopword searches
list(LENGTH words n)
set(body "")
foreach(w IN LISTS words)
  string(APPEND body "    \"${w}\",\n")
endforeach()
file(WRITE "${OUT}.tmp"
  "/* Generated from data/stopwords by cmake/embed_stopwords.cmake; do not edit. */\n"
  "#include \"stemming/stemming.h\"\n\n"
  "const char *const stop_words[] = {\n${body}};\n"
  "const size_t stop_nwords = ${n};\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
