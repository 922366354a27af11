package text

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// homoglyphsJSON is the confusables table of the npm package unhomoglyph
// (MIT, see homoglyphs.LICENSE), refreshed by scripts/refresh-homoglyphs.
//
//go:embed homoglyphs.json
var homoglyphsJSON []byte

// loadHomoglyphs keeps the part of the table that folds a non-ASCII rune
// to ASCII ("р" → "p", "ԁ" → "d"). The rest is left out on purpose: its
// ASCII keys would fold digits and plain letters ("0" → "O", "m" → "rn"),
// which breaks phone numbers and ordinary words, and folds to non-ASCII
// targets ("ö" → Arabic) would mangle real German or French text.
func loadHomoglyphs(data []byte) (map[rune]string, error) {
	var raw map[string]string
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("homoglyph table: %w", err)
	}
	table := make(map[rune]string, 2048)
	for k, v := range raw {
		r, size := utf8.DecodeRuneInString(k)
		if size != len(k) || r < utf8.RuneSelf || v == "" || !isASCII(v) {
			continue
		}
		table[r] = v
	}
	if len(table) < 500 {
		return nil, fmt.Errorf("homoglyph table: only %d usable entries", len(table))
	}
	return table, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
