# What `cmake --install` puts on a machine: the binary, the documents, the systemd units and
# the sysusers.d account, and the example configurations under M2MON_CONFDIR.
set(M2MON_CONFDIR "/etc/m2mon" CACHE PATH "Where the configuration files live")

install(TARGETS m2mon RUNTIME DESTINATION bin)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION share/doc/m2mon FILES_MATCHING PATTERN "*.md")
install(FILES ${PROJECT_SOURCE_DIR}/conf/systemd/m2mon.sysusers
        DESTINATION lib/sysusers.d RENAME m2mon.conf)
install(CODE "set(M2_SRC \"${PROJECT_SOURCE_DIR}\")\nset(M2_CONFDIR \"${M2MON_CONFDIR}\")")
install(SCRIPT ${PROJECT_SOURCE_DIR}/cmake/m2_install_files.cmake)
