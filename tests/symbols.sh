#!/bin/sh
# symbols.sh LIBBRAIN_SO BRAIN_H [CC NM READELF] — libbrain.so exports exactly the functions brain.h declares:
# every exported symbol is declared there (so no internal brain__ name, nor a dependency's, leaks)
# and every declared function is exported (so none is declared but missing or hidden).
set -eu
so=$1 header=$2 cc=${3:-cc} nm=${4:-nm} readelf=${5:-readelf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Exported, defined, dynamic symbols (functions and data), without version suffixes.
"$nm" -D --defined-only "$so" | awk '{print $NF}' | sed 's/@.*//' | sort -u > "$tmp/exported"
# The functions brain.h declares: names followed by "(" in the preprocessed header
# (function pointers "type (*name)", also fields returning a brain_ type, and macros are not matched; static inline functions,
# which are not exported, are left out).
"$cc" -E -P -x c "$header" | tr '\n' ' ' > "$tmp/header"
grep -o 'static[^;{}]*[^A-Za-z0-9_]brain_[A-Za-z0-9_]* *(' "$tmp/header" | grep -o 'brain_[A-Za-z0-9_]* *($' |
  sed 's/ *($//' | sort -u > "$tmp/static"
# (a name before "(*" is a function pointer's return type, e.g. brain_status (*get_batch)(...))
grep -o '[A-Za-z_][A-Za-z0-9_]* *( *[^* ]' "$tmp/header" | sed 's/ *( *[^* ]$//' | grep '^brain_' | sort -u |
  comm -23 - "$tmp/static" > "$tmp/declared"

status=0
extra=$(comm -23 "$tmp/exported" "$tmp/declared" | grep -v '^BRAIN_0$' || true)
missing=$(comm -13 "$tmp/exported" "$tmp/declared" || true)
if [ -n "$extra" ]; then
  echo "exported by $so but not declared in brain.h:"; echo "$extra" | sed 's/^/  /'; status=1
fi
if [ -n "$missing" ]; then
  echo "declared in brain.h but not exported by $so:"; echo "$missing" | sed 's/^/  /'; status=1
fi
n=$(grep -vc "^BRAIN_0$" "$tmp/exported")
d=$(wc -l < "$tmp/declared")
[ "$d" -gt 100 ] || { echo "only $d functions found in $header: the header parse is broken"; status=1; }
"$readelf" -d "$so" | grep -q 'SONAME.*libbrain\.so\.[0-9]' || { echo "no libbrain.so.N SONAME"; status=1; }
[ $status -eq 0 ] && echo "symbols: $n exported = $d declared in brain.h, SONAME $("$readelf" -d "$so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
exit $status
