package directory

import "slices"

// LikelyLanguages are the language codes volunteers most often record, for a form to offer
// by name.
func LikelyLanguages() []string { return slices.Clone(likelyLanguages) }
