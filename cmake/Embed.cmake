# embed_migrations(dialect variable output): writes a .cc defining `variable` (see
# src/store/schema/migrations.h) from src/store/schema/<dialect>/NNNN_*.sql, in order.
function(embed_migrations dialect variable output)
  file(GLOB files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/store/schema/${dialect}/*.sql)
  list(SORT files)
  set(body "#include \"store/schema/migrations.h\"\n\nnamespace wfm {\n\nconst std::vector<Migration> ${variable} = {\n")
  foreach(file ${files})
    get_filename_component(name ${file} NAME)
    string(REGEX MATCH "^[0-9]+" version ${name})
    math(EXPR version "${version} + 0")
    file(READ ${file} sql)
    string(APPEND body "    {${version}, R\"migration(${sql})migration\"},\n")
  endforeach()
  string(APPEND body "};\n\n}  // namespace wfm\n")
  file(CONFIGURE OUTPUT ${output} CONTENT "${body}" @ONLY)
endfunction()

# embed_text(file variable output): writes a .cc defining `const char* const variable` with the
# contents of `file`, regenerated when the file changes.
function(embed_text file variable output)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  file(READ ${file} text)
  file(CONFIGURE OUTPUT ${output}
       CONTENT "namespace wfm {\nextern const char* const ${variable};\nconst char* const ${variable} = R\"embedded(${text})embedded\";\n}  // namespace wfm\n"
       @ONLY)
endfunction()

# embed_directory(dir variable output): writes a .cc defining `const std::vector<EmbeddedFile>
# variable` (src/api/embedded_file.h) with every file under `dir`, by path relative to it (bytes,
# so any file type), regenerated when the build is configured again (new files: re-run cmake).
function(embed_directory dir variable output)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${dir}/*)
  list(SORT files)
  set(arrays "")
  set(entries "")
  set(index 0)
  foreach(file ${files})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
    file(RELATIVE_PATH name ${dir} ${file})
    file(READ ${file} hex HEX)
    string(LENGTH "${hex}" hex_length)
    math(EXPR size "${hex_length} / 2")
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
    string(APPEND arrays "const char kFile${index}[] = {${bytes} 0};\n")
    string(APPEND entries "    {\"${name}\", std::string_view(kFile${index}, ${size})},\n")
    math(EXPR index "${index} + 1")
  endforeach()
  file(CONFIGURE OUTPUT ${output}
       CONTENT "#include \"api/embedded_file.h\"\n\nnamespace wfm {\nnamespace {\n${arrays}}  // namespace\n\nextern const std::vector<EmbeddedFile> ${variable};\nconst std::vector<EmbeddedFile> ${variable} = {\n${entries}};\n\n}  // namespace wfm\n"
       @ONLY)
endfunction()
