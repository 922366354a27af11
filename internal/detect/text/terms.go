package text

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// termSet matches a list of words and phrases on the Words view of a
// normalised text, on word boundaries. A term is normalised like the text
// (so "Scheiße" matches "scheisse" and "SCHEISSE"), "i" and "l" match each
// other (a "1" may stand for either), blanks, hyphens, dots and
// underscores between words are optional ("fake id", "fake-id", "fakeid"),
// and a "*" at the end of a word matches any ending ("fuck*", "gun* for
// sale").
type termSet struct {
	re    *regexp.Regexp // every term, anchored, longest first
	words *wordSet       // re alone
	terms []compiledTerm
}

type compiledTerm struct {
	term string
	re   *regexp.Regexp // the term alone, anchored, to name the one that matched
}

// hit is one match of a term: the byte range in the normalised text and
// the list entry behind it.
type hit struct {
	start, end int
	term       string
}

func compileTerms(nz *normaliser, terms []string) (*termSet, error) {
	ts := &termSet{}
	var alts []string
	for _, t := range terms {
		p, err := termPattern(nz, t)
		if err != nil {
			return nil, err
		}
		if p == "" {
			continue
		}
		re, err := regexp.Compile(`^(?:` + p + `)$`)
		if err != nil {
			return nil, fmt.Errorf("term %q: %w", t, err)
		}
		ts.terms = append(ts.terms, compiledTerm{term: t, re: re})
		alts = append(alts, p)
	}
	if len(alts) == 0 {
		return ts, nil
	}
	// Longest alternatives first, and leftmost-longest matching, so that
	// "crystal meth" wins over "meth".
	slices.SortStableFunc(alts, func(a, b string) int { return len(b) - len(a) })
	re, err := regexp.Compile(`^(?:` + strings.Join(alts, "|") + `)`)
	if err != nil {
		return nil, err
	}
	re.Longest()
	ts.re, ts.words = re, newWordSet(true, re)
	return ts, nil
}

// termPattern turns one list entry into a regular expression over Words.
// Each word of the entry is normalised like the text; a trailing "*" on a
// word matches any ending.
func termPattern(nz *normaliser, term string) (string, error) {
	var parts []string
	for _, word := range strings.Fields(term) {
		wild := strings.HasSuffix(word, "*")
		word = strings.TrimSuffix(word, "*")
		if strings.ContainsRune(word, '*') {
			return "", fmt.Errorf("term %q: '*' is allowed only at the end of a word", term)
		}
		pieces := strings.FieldsFunc(nz.normalise(word).Words, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("-_.", r)
		})
		for i, p := range pieces {
			var b strings.Builder
			for _, r := range p {
				if r == 'i' || r == 'l' {
					b.WriteString(`[il]`)
				} else {
					b.WriteString(regexp.QuoteMeta(string(r)))
				}
			}
			if wild && i == len(pieces)-1 {
				b.WriteString(`[\p{L}\p{N}]*`)
			}
			parts = append(parts, b.String())
		}
	}
	return strings.Join(parts, `[\s\-_.]*`), nil
}

// find returns the matches in words (a Words view) that stand on word
// boundaries.
func (ts *termSet) find(words string) []hit {
	if ts == nil || ts.re == nil {
		return nil
	}
	var hits []hit
	for _, m := range ts.words.find(words)[0] {
		hits = append(hits, hit{m[0], m[1], ts.name(words[m[0]:m[1]])})
	}
	return hits
}

func (ts *termSet) name(m string) string {
	for _, t := range ts.terms {
		if t.re.MatchString(m) {
			return t.term
		}
	}
	return m
}
