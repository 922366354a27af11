package enforce

import "unicode/utf8"

// The Transparency Database's length limits, in characters: the facts
// and circumstances, the explanation of the ground, and the other free
// text fields (grounds, "other" descriptions). A statement's own texts
// may be longer (a reason holds up to 5,000 characters, a clause has no
// limit); its DSA record carries them cut to fit.
const (
	dsaMaxFacts       = 5000
	dsaMaxExplanation = 2000
	dsaMaxText        = 500
)

// clip returns s cut to at most n characters, ending in "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
