# shellcheck shell=bash
# Sourced by scripts/kernel and scripts/qemu: the project's own apt
# configuration for one Debian suite, under build/apt/SUITE/ (sources, lists,
# cache, an empty dpkg status), so the machine's /etc/apt stays untouched.
# Sets TOP, SUITE, APTDIR and APT (the options every apt call gets).
set -eu -o pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
PROG=scripts/${0##*/}
say() { echo "$PROG: $*" >&2; }
die() { say "$*"; exit 1; }

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
LISTS_MAX_AGE_MIN=360

# The mirror this machine's apt already uses for the archive (or, with
# "security", for debian-security); DEBIAN_MIRROR overrides both (URL of the
# archive; its security suites are then looked for at URL-security).
mirror() {
	local want=$1 uri
	if [ -n "${DEBIAN_MIRROR:-}" ]; then
		uri=${DEBIAN_MIRROR%/}
		[ "$want" = security ] && uri=$uri-security
		echo "$uri"
		return 0
	fi
	# deb822 stanzas (fields in any order) and one-line entries; a Debian
	# suite name tells the archive from other repositories.
	uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk -v want="$want" '
		function debian(s) { return s ~ /^(bullseye|bookworm|trixie|forky|sid|(old)?stable|testing|unstable)(-updates|-backports|-security)?$/ }
		function take(u, s) { if (!found && debian(s) && (want == "security") == (s ~ /-security$/)) { print u; found = 1; exit } }
		function stanza(i, n, a) { n = split(suites, a, " "); for (i = 1; i <= n; i++) take(uris, a[i]); uris = suites = "" }
		/^[ \t]*$/ { stanza() }
		/^URIs:/ { uris = $2 }
		/^Suites:/ { suites = $0; sub(/^Suites:/, "", suites) }
		/^deb / { if ($2 ~ /^\[/) { sub(/^deb \[[^]]*\] */, "deb ") }; take($2, $3) }
		END { stanza() }')
	if [ -n "$uri" ]; then
		echo "${uri%/}"
	elif [ "$want" = security ]; then
		echo http://deb.debian.org/debian-security
	else
		echo http://deb.debian.org/debian
	fi
}

# suite_sources SUITE: the sources.list lines for SUITE with its updates and
# security suites (what a user of that suite gets), amd64, main.
suite_sources() {
	local m s o="[arch=amd64 signed-by=$KEYRING]"
	m=$(mirror archive)
	s=$(mirror security)
	case $1 in
	bookworm | bookworm-backports)
		printf 'deb %s %s %s main\n' "$o" "$m" bookworm "$o" "$m" bookworm-updates "$o" "$s" bookworm-security
		[ "$1" = bookworm ] || printf 'deb %s %s bookworm-backports main\n' "$o" "$m"
		;;
	trixie)
		printf 'deb %s %s %s main\n' "$o" "$m" trixie "$o" "$m" trixie-updates "$o" "$s" trixie-security
		;;
	sid) printf 'deb %s %s sid main\n' "$o" "$m" ;;
	esac
}

# apt_update: fetches the suite's package lists (quiet, fails on any error).
apt_update() {
	say "updating the package lists of $SUITE"
	apt-get "${APT[@]}" -qq --error-on=any update >&2 || die "apt-get update for $SUITE failed (mirror $(mirror archive))"
	touch "$APTDIR/updated"
}

# apt_init SUITE: checks SUITE, takes the suite's lock (held until exit),
# writes the configuration and refreshes lists older than six hours.
apt_init() {
	SUITE=$1
	case $SUITE in
	bookworm | bookworm-backports | trixie | sid) ;;
	*) echo "$PROG: unknown suite '$SUITE' (bookworm, bookworm-backports, trixie, sid)" >&2; exit 2 ;;
	esac
	[ -r "$KEYRING" ] || die "$KEYRING missing (scripts/deps compat)"
	APTDIR=$TOP/build/apt/$SUITE
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/debs"
	exec 9>"$APTDIR/lock"
	flock 9
	suite_sources "$SUITE" >"$APTDIR/sources.list.new"
	if ! cmp -s "$APTDIR/sources.list.new" "$APTDIR/sources.list"; then
		mv "$APTDIR/sources.list.new" "$APTDIR/sources.list"
		rm -f "$APTDIR/updated"
	fi
	rm -f "$APTDIR/sources.list.new"
	: >>"$APTDIR/status"
	APT=(-o "Dir::Etc::SourceList=$APTDIR/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache"
		-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin
		-o "Dir::State::status=$APTDIR/status" -o APT::Sandbox::User=root)
	[ "$SUITE" = bookworm-backports ] && APT+=(-o APT::Default-Release=bookworm-backports)
	if [ -z "$(find "$APTDIR/updated" -mmin -"$LISTS_MAX_AGE_MIN" 2>/dev/null)" ]; then
		apt_update
	fi
}

# apt_field PKG[=VER] FIELD: a field of the candidate (or given) version.
apt_field() {
	apt-cache "${APT[@]}" show --no-all-versions "$1" 2>/dev/null |
		awk -v f="$2:" '$1 == f { sub(/^[^:]*: */, ""); print; exit }'
}

# apt_depends_on PKG[=VER] REGEX: "NAME=VERSION" of the first dependency of
# PKG whose name matches REGEX, version as pinned by "(= ...)" or candidate.
apt_depends_on() {
	local dep name ver
	dep=$(apt_field "$1" Depends | tr ',' '\n' | sed 's/^ *//' |
		awk -v re="$2" '{ split($1, n, ":"); if (n[1] ~ re) { print; exit } }')
	[ -n "$dep" ] || die "$1 in $SUITE has no dependency matching $2"
	name=${dep%% *}
	ver=$(sed -n 's/.*(= *\([^)]*\)).*/\1/p' <<<"$dep")
	[ -n "$ver" ] || ver=$(apt_field "$name" Version)
	[ -n "$ver" ] || die "no version of $name in $SUITE"
	echo "$name=$ver"
}

# apt_fetch DIR PKG=VER...: downloads the .debs into DIR (kept there as the
# cache). A miss refreshes the lists once: the mirror may have moved on.
apt_fetch() {
	local dir=$1
	shift
	(cd "$dir" && apt-get "${APT[@]}" -qq download "$@" >&2) && return 0
	apt_update
	(cd "$dir" && apt-get "${APT[@]}" -qq download "$@" >&2) || die "cannot download $* from $SUITE"
}

# apt_unpack DIR DEB...: extracts the packages' files into DIR.
apt_unpack() {
	local dir=$1 deb
	shift
	mkdir -p "$dir"
	for deb in "$@"; do
		dpkg -x "$deb" "$dir" || die "cannot unpack $deb"
	done
}

# fix_links TREE: absolute symlinks inside TREE point into TREE instead.
fix_links() {
	local link target
	while IFS= read -r -d '' link; do
		target=$(readlink "$link")
		ln -sfnr "$1$target" "$link"
	done < <(find "$1" -type l -lname '/*' -print0)
}

# deb_file DIR PKG=VER: the downloaded .deb of PKG=VER in DIR.
deb_file() {
	local name=${2%%=*} ver=${2#*=} f
	ver=${ver/:/%3a}
	for f in "$1/${name}_${ver}_"*.deb; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	die "downloaded $2 but found no $1/${name}_${ver}_*.deb"
}

# host_acquire_config: the machine's own Acquire settings that decide whether
# a mirror can be used (proxies, the validity of Release files), for a build
# root's apt.
host_acquire_config() {
	apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|[a-z]+::Proxy)( |::)' || true
}

# Installing the host packages a script needs comes first.
"$TOP/scripts/deps" compat >&2 || die "cannot install the compat packages (scripts/deps compat)"
