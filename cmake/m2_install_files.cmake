# Run by `cmake --install` (install(SCRIPT)): writes the systemd units for the prefix being
# installed to, and the example configurations without overwriting a changed one.
# Expects M2_SRC (the source tree) and M2_CONFDIR (absolute, /etc/m2mon by default).
set(root "$ENV{DESTDIR}")
set(M2_BINDIR "${CMAKE_INSTALL_PREFIX}/bin")
set(M2_DOCDIR "${CMAKE_INSTALL_PREFIX}/share/doc/m2mon")
file(READ "${M2_SRC}/conf/systemd/hardening.inc" M2_HARDENING)
file(READ "${M2_SRC}/conf/systemd/serial-devices.inc" M2_SERIAL_DEVICES)
string(STRIP "${M2_HARDENING}" M2_HARDENING)
string(STRIP "${M2_SERIAL_DEVICES}" M2_SERIAL_DEVICES)

set(unitdir "${root}${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
foreach(name m2mon-base m2mon-unit m2mon-web)
  message(STATUS "Installing: ${unitdir}/${name}.service")
  configure_file("${M2_SRC}/conf/systemd/${name}.service.in" "${unitdir}/${name}.service" @ONLY)
endforeach()

# A configuration someone edited is theirs: the new example goes beside it as NAME.dist.
set(confdir "${root}${M2_CONFDIR}")
file(MAKE_DIRECTORY "${confdir}")
foreach(name base.conf unit.conf)
  set(dst "${confdir}/${name}")
  if(EXISTS "${dst}")
    file(READ "${dst}" have)
    file(READ "${M2_SRC}/conf/${name}" new)
    if(NOT have STREQUAL new)
      message(STATUS "Keeping: ${dst} (changed by you); the new example is ${dst}.dist")
      file(COPY_FILE "${M2_SRC}/conf/${name}" "${dst}.dist")
    else()
      message(STATUS "Up-to-date: ${dst}")
    endif()
  else()
    message(STATUS "Installing: ${dst}")
    file(COPY_FILE "${M2_SRC}/conf/${name}" "${dst}")
    # The files hold unit keys and PINs: readable by root and the m2mon group only.
    file(CHMOD "${dst}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
  endif()
endforeach()

# On the real system (not a staging DESTDIR), create the m2mon account now and give it the
# configurations, so `systemctl start m2mon-base` works at once.
if(root STREQUAL "")
  find_program(SYSUSERS systemd-sysusers)
  set(sysusers_file "${CMAKE_INSTALL_PREFIX}/lib/sysusers.d/m2mon.conf")
  if(SYSUSERS)
    execute_process(COMMAND ${SYSUSERS} "${sysusers_file}" RESULT_VARIABLE rc)
    if(rc EQUAL 0)
      execute_process(COMMAND chgrp m2mon "${confdir}/base.conf" "${confdir}/unit.conf")
    endif()
  endif()
  if(NOT SYSUSERS OR NOT rc EQUAL 0)
    message(WARNING "Could not create the m2mon account: run 'systemd-sysusers ${sysusers_file}' "
                    "then 'chgrp m2mon ${confdir}/*.conf'")
  endif()
endif()
