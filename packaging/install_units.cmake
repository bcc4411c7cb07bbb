# install_units.cmake — run by `cmake --install` (install(SCRIPT) in packaging/CMakeLists.txt):
# the systemd units and the cron line name the binary where THIS install puts it. The sources
# say /usr/bin/vigil; it becomes CMAKE_INSTALL_PREFIX/BINDIR as known at install time, so
# `cmake --install BUILD --prefix DIR` gives units that run DIR/bin/vigil, whatever prefix the
# build was configured with. file(INSTALL) adds $DESTDIR itself and records the manifest.
# Set by the install(CODE) before this script: VIGIL_PKG_SRC, VIGIL_PKG_OUT, VIGIL_PKG_BINDIR,
# VIGIL_PKG_UNITDIR, VIGIL_PKG_EXAMPLES (the last three relative to the prefix, or absolute).
foreach(v BINDIR UNITDIR EXAMPLES)
  if(IS_ABSOLUTE "${VIGIL_PKG_${v}}")
    set(${v} "${VIGIL_PKG_${v}}")
  else()
    set(${v} "${CMAKE_INSTALL_PREFIX}/${VIGIL_PKG_${v}}")
  endif()
endforeach()

foreach(f systemd/vigil-scan.service systemd/vigil-scan.timer cron/vigil)
  file(READ "${VIGIL_PKG_SRC}/${f}" text)
  string(REPLACE "/usr/bin/vigil" "${BINDIR}/vigil" text "${text}")
  file(WRITE "${VIGIL_PKG_OUT}/${f}" "${text}")
endforeach()

file(INSTALL DESTINATION "${UNITDIR}" TYPE FILE
     FILES "${VIGIL_PKG_OUT}/systemd/vigil-scan.service" "${VIGIL_PKG_OUT}/systemd/vigil-scan.timer")
file(INSTALL DESTINATION "${EXAMPLES}" TYPE FILE RENAME vigil.cron
     FILES "${VIGIL_PKG_OUT}/cron/vigil")
