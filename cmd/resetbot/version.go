package main

import "runtime/debug"

// version is stamped at build time: go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

// buildVersion is the stamped version, or the module version or VCS revision the Go
// toolchain recorded, for builds that were not stamped.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return version
}
