# `cmake --install` into a staging root: the binary, the units, the account, the example
# configurations (kept when changed), and `systemd-analyze verify` on the installed units.
m2mon=$1
src=$2
build=$3
. "$(dirname "$0")/lib.sh"

root="$tmp/root"
expect_status 0 env DESTDIR="$root" cmake --install "$build" --prefix /usr/local
prefix="$root/usr/local"
for f in bin/m2mon lib/sysusers.d/m2mon.conf share/doc/m2mon/operations.md \
	lib/systemd/system/m2mon-base.service lib/systemd/system/m2mon-unit.service \
	lib/systemd/system/m2mon-web.service; do
	[ -e "$prefix/$f" ] || { echo "FAIL: $f not installed"; failures=$((failures + 1)); }
done
conf="$root/etc/m2mon"
expect_in "$(stat -c %a "$conf/base.conf")" "640" "base.conf holds keys: not world-readable"
expect_in "$(cat "$prefix/lib/systemd/system/m2mon-base.service")" \
	"ExecStart=/usr/local/bin/m2mon base --config /etc/m2mon/base.conf" "the unit runs the installed binary"

# A changed configuration survives a reinstall; the new example lands beside it.
echo "# changed by the site" >>"$conf/base.conf"
expect_status 0 env DESTDIR="$root" cmake --install "$build" --prefix /usr/local
expect_in "$(tail -n 1 "$conf/base.conf")" "# changed by the site" "a changed base.conf is kept"
expect_in "$out" "base.conf.dist" "the install says where the new example went"
cmp -s "$conf/base.conf.dist" "$src/conf/base.conf" ||
	{ echo "FAIL: base.conf.dist is not the new example"; failures=$((failures + 1)); }

# verify checks that the programs a unit starts exist: point them into the staging root.
for name in base unit web; do
	sed "s|/usr/local/bin/m2mon|$prefix/bin/m2mon|g" \
		"$prefix/lib/systemd/system/m2mon-$name.service" >"$tmp/m2mon-$name.service"
	expect_status 0 systemd-analyze verify "$tmp/m2mon-$name.service"
	[ -z "$err" ] || { echo "FAIL: verify m2mon-$name.service said: $err"; failures=$((failures + 1)); }
done
finish
