# The house checks (scripts/check-format, check-includes, check-symbols) against a small house
# of their own: it passes as built, and each way of breaking it fails with the file named.
src=$2
. "$src/test/cli/lib.sh"

repo=$tmp/repo
mkdir -p "$repo/scripts" "$repo/core" "$repo/alerts" "$repo/modem" "$repo/src/cli" "$repo/src/config"
cp "$src"/scripts/check-format "$src"/scripts/check-includes "$src"/scripts/check-symbols \
	"$src"/scripts/house.txt "$repo/scripts/"
cp "$src/.clang-format" "$repo/"
cd "$repo" || exit 1

library() { # library FOLDER NAME LINKS...: a CMakeLists.txt, FOLDER/NAME.h and FOLDER/NAME.c
	local folder=$1 lib=$2 name=$3
	shift 3
	{
		echo "add_library($lib STATIC $name.c)"
		echo "target_include_directories($lib PUBLIC \${CMAKE_CURRENT_SOURCE_DIR})"
		[ $# -gt 0 ] && echo "target_link_libraries($lib PUBLIC $*)"
	} >"$folder/CMakeLists.txt"
	printf 'int %s_x(void);\n' "$name" >"$folder/$name.h"
	printf '#include "%s.h"\n\nint %s_x(void)\n{\n\treturn 0;\n}\n' "$name" "$name" >"$folder/$name.c"
}
library core m2core log
library alerts m2alerts alert_engine m2core
library modem m2modem modem m2core
library src/cli m2cli cmd m2core
library src/config m2config config m2modem
printf 'add_executable(m2mon main.c)\ntarget_link_libraries(m2mon PRIVATE m2config m2cli)\n' >src/CMakeLists.txt
printf '#include "cmd.h"\n#include "config.h"\n#include "modem.h"\n' >src/main.c
git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm house

expect_status 0 scripts/check-includes
expect_status 0 scripts/check-format

broken() { # broken NEEDLE SCRIPT...: after a change, the check fails and says NEEDLE
	local needle=$1
	shift
	git add -A
	expect_status 1 "$@"
	expect_in "$err" "$needle" "$*"
	git reset -q --hard && git clean -qfd
}

sed -i '1i #include "../src/config/config.h"' modem/modem.c
broken 'modem/modem.c:1: #include "../src/config/config.h": names a path' scripts/check-includes
sed -i '1i #include "config.h"' modem/modem.c
broken 'modem/modem.c:1: #include "config.h": src/config/config.h is above modem/' scripts/check-includes
sed -i '1i #include <modem.h>' core/log.c
broken 'core/log.c:1: #include <modem.h>: modem/modem.h is above core/' scripts/check-includes
sed -i '1i #include "alert_engine.h"' modem/modem.c
broken 'alerts/alert_engine.h is beside modem/' scripts/check-includes
sed -i '1i #include "modem.h"' src/cli/cmd.c
broken 'src/cli/cmd.c:1: #include "modem.h": src/cli/ (m2cli) does not link m2modem' scripts/check-includes
echo 'target_link_libraries(m2alerts PUBLIC m2modem)' >>alerts/CMakeLists.txt
broken 'alerts/CMakeLists.txt: m2alerts links m2modem' scripts/check-includes
echo 'include_directories(${CMAKE_SOURCE_DIR}/src)' >CMakeLists.txt
broken 'CMakeLists.txt: include_directories(${CMAKE_SOURCE_DIR}/src): include directories for every' \
	scripts/check-includes
echo 'target_include_directories(m2modem PUBLIC ${CMAKE_SOURCE_DIR})' >>modem/CMakeLists.txt
broken 'modem/CMakeLists.txt: target_include_directories(m2modem PUBLIC ${CMAKE_SOURCE_DIR})' \
	scripts/check-includes
cp core/log.h modem/log.h
broken 'modem/log.h: header name also used by core/log.h' scripts/check-includes
mkdir foo && echo '#include "log.h"' >foo/x.c
broken 'foo/x.c: foo/ is not in the house' scripts/check-includes
sed -i 's/return 0;/return  0 ;/' alerts/alert_engine.c
broken 'alerts/alert_engine.c: not formatted; run: clang-format -i alerts/alert_engine.c' scripts/check-format
cp .clang-format modem/.clang-format
broken 'the one style is the root .clang-format; found: .clang-format modem/.clang-format' scripts/check-format

# check-symbols reads the build: archives made here, one with a symbol that lacks the prefix.
archive() { # archive FOLDER LIB SOURCE
	mkdir -p "build/$1" && printf '%s\n' "$3" >"build/$1/x.c" &&
		cc -c "build/$1/x.c" -o "build/$1/x.o" && ar rcs "build/$1/lib$2.a" "build/$1/x.o"
}
archive core m2core 'int log_x(void) { return 0; } int hex_y;'
archive alerts m2alerts 'int alert_x(void) { return 0; } static int helper(void) { return 1; }'
archive src/cli m2cli 'int cmd_x(void) { return 0; }'
archive src/config m2config 'int cfg_x(void) { return 0; } int m2_config_y(void) { return 0; }'
expect_status 1 scripts/check-symbols build
expect_in "$err" "build/modem/libm2modem.a not found: build first" "a library not built"
archive modem m2modem 'int modem_x(void) { return 0; } int at_y; int sms_z; int incident_active(void) { return 0; }'
expect_status 1 scripts/check-symbols build
expect_in "$err" "m2modem (modem/): incident_active is exported without a prefix" "unprefixed symbol"
archive modem m2modem 'int modem_x(void) { return 0; } int transport_y; int profile_z;'
expect_status 0 scripts/check-symbols build
expect_in "$out" "every exported symbol of 5 libraries carries its prefix" "all prefixed"

finish
