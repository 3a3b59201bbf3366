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
