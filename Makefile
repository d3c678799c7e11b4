# elk's build is GNUmakefile, which GNU make reads before this file; this one only tells other makes so.
all .DEFAULT:
	@echo "elk builds with GNU make (gmake): its rules are in GNUmakefile"; exit 1
