package flows

import "embed"

//go:embed *.toml
var files embed.FS

// Load reads the embedded flow files; messages name them as in the
// repository (flows/main.toml).
func Load() (*Set, error) { return load(files, "flows/") }
