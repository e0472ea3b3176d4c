# Finds the Debian-packaged libraries blogsearch is built on and fails at
# configure time with the name of the package to install when one is missing.
# libstemmer-dev ships no pkg-config file, so header and library are searched
# for directly; utf8proc and LMDB are looked up the same way for uniformity.

function(bs_require_library target header lib package why)
  string(MAKE_C_IDENTIFIER "${target}" id)
  find_path(${id}_INCLUDE_DIR NAMES ${header})
  find_library(${id}_LIBRARY NAMES ${lib})
  if(NOT ${id}_INCLUDE_DIR OR NOT ${id}_LIBRARY)
    message(FATAL_ERROR
      "blogsearch needs ${why} (${header}, lib${lib}), which was not found.\n"
      "On Debian or Ubuntu install it with:  apt-get install ${package}")
  endif()
  add_library(${target} UNKNOWN IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION "${${id}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${${id}_INCLUDE_DIR}")
  message(STATUS "Found ${package}: ${${id}_LIBRARY}")
endfunction()

bs_require_library(Stemmer::Stemmer  libstemmer.h stemmer libstemmer-dev
                   "the Snowball stemmers")
bs_require_library(Utf8proc::Utf8proc utf8proc.h  utf8proc libutf8proc-dev
                   "utf8proc for Unicode normalization")
bs_require_library(Lmdb::Lmdb        lmdb.h       lmdb     liblmdb-dev
                   "LMDB for the index")
bs_require_library(Yaml::Yaml        yaml.h       yaml     libyaml-dev
                   "libyaml to read YAML front matter")
bs_require_library(Zstd::Zstd        zstd.h       zstd     libzstd-dev
                   "zstd to compress the stored post text")
bs_require_library(Jansson::Jansson  jansson.h    jansson  libjansson-dev
                   "jansson to read JSON front matter")
bs_require_library(Md4c::Md4c        md4c.h       md4c     libmd4c-dev
                   "md4c to parse Markdown posts")

# utf8proc 2.5 added the Unicode 13 tables and utf8proc_category used here.
get_target_property(_u8p_inc Utf8proc::Utf8proc INTERFACE_INCLUDE_DIRECTORIES)
file(STRINGS "${_u8p_inc}/utf8proc.h" _u8p_ver
     REGEX "#define UTF8PROC_VERSION_(MAJOR|MINOR)")
string(REGEX REPLACE ".*MAJOR ([0-9]+).*MINOR ([0-9]+).*" "\\1.\\2" _u8p_ver "${_u8p_ver}")
if(_u8p_ver VERSION_LESS 2.5)
  message(FATAL_ERROR "utf8proc ${_u8p_ver} is too old; blogsearch needs 2.5 or later "
                      "(Debian 12's libutf8proc-dev has 2.8)")
endif()

# tzdata is read at run time, not linked: blogsearch-index --timezone
# Europe/Moscow reads /usr/share/zoneinfo (base/tz.c). Without it only offsets
# (+03:00) are zones, and the named-zone tests are skipped.
if(NOT EXISTS /usr/share/zoneinfo/Europe/Moscow AND NOT DEFINED ENV{TZDIR})
  message(WARNING "no time zone data in /usr/share/zoneinfo: blogsearch-index --timezone "
                  "takes only offsets such as +03:00 until it is installed:  apt-get install tzdata")
endif()
