package text

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// wordSet holds anchored expressions (each starting with ^) that are tried
// at the start of every word of a text, as the word lists and the scam
// scripts need. Go runs large alternations with its NFA, which is slow
// even when the first letters already rule a match out, and most word
// starts of a listing start no match of any expression. So newWordSet
// splits each expression into its top-level alternatives (units) and
// derives, from each unit's syntax, the byte strings every one of its
// matches begins with (literal prefixes of up to prefixLen bytes, as
// "western", "pay", "ma a" …). They go into one trie: one walk of a few
// bytes per word start tells which units can match there at all, and
// only those run, each a small expression of its own. The prefixes
// over-approximate the matches, and the units combine as the alternation
// does (the first that matches wins, or with longest the longest), so the
// findings are exactly those of running every expression everywhere.
type wordSet struct {
	res     []*regexp.Regexp
	longest bool
	units   []wordUnit // expression by expression, each in its order
	trie    prefixTrie
}

// wordUnit is one top-level alternative of expression expr, anchored.
type wordUnit struct {
	expr int
	re   *regexp.Regexp
}

// newWordSet builds the set of res, which are anchored with ^; with
// longest, res use leftmost-longest matching (Regexp.Longest).
func newWordSet(longest bool, res ...*regexp.Regexp) *wordSet {
	ws := &wordSet{res: res, longest: longest}
	b := newTrieBuilder()
	for k, re := range res {
		for _, alt := range alternatives(re) {
			u := int32(len(ws.units))
			unit := re
			if alt.re != nil {
				unit = alt.re
				if longest {
					unit.Longest()
				}
			}
			ws.units = append(ws.units, wordUnit{k, unit})
			for _, p := range alt.prefixes {
				// An empty match never counts, but a first alternative
				// that matches empty hides the later ones: without
				// longest it must run everywhere.
				if p.s != "" || !p.exact || !longest && alt.re != nil {
					b.insert(p.s, u)
				}
			}
		}
	}
	ws.trie = b.trie()
	return ws
}

// alternative is a unit of an expression: its own expression (nil when
// the expression is one unit) and the prefixes of its matches.
type alternative struct {
	re       *regexp.Regexp
	prefixes []matchPrefix
}

// alternatives splits re into its top-level alternatives, when it is
// ^(?:A|B|…), with the prefixes of each; an alternative that is a group
// (?:C|D|…) splits further, as alternation is associative. Anything else
// is one unit, and one that is not anchored gets the prefix "", which
// every text has.
func alternatives(re *regexp.Regexp) []alternative {
	if inner, ok := strings.CutPrefix(re.String(), "^(?:"); ok && strings.HasSuffix(inner, ")") {
		if srcs, ok := splitAlternation(inner[:len(inner)-1]); ok {
			var out []alternative
			for _, src := range srcs {
				alt, err := unitOf(src)
				if err != nil {
					break
				}
				out = append(out, alt)
			}
			if len(out) == len(srcs) {
				return out
			}
		}
	}
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return []alternative{{nil, []matchPrefix{{"", false}}}} // cannot happen: re compiled from the same text
	}
	parsed = parsed.Simplify()
	if prog, err := syntax.Compile(parsed); err != nil || prog.StartCond()&syntax.EmptyBeginText == 0 {
		return []alternative{{nil, []matchPrefix{{"", false}}}}
	}
	return []alternative{{nil, prefixesOf(parsed)}}
}

// unitOf compiles the alternative src, anchored, with its prefixes.
func unitOf(src string) (alternative, error) {
	parsed, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return alternative{}, err
	}
	re, err := regexp.Compile(`^(?:` + src + `)`)
	if err != nil {
		return alternative{}, err
	}
	return alternative{re, prefixesOf(parsed.Simplify())}, nil
}

// splitAlternation splits the source of an alternation A|B|… at its
// top-level bars, and groups (?:C|D|…) that make up a whole alternative
// at theirs. It gives up (ok false) on syntax it does not follow: \Q…\E
// quoting, flags that reach across alternatives ((?i) …), unbalanced
// brackets.
func splitAlternation(src string) (alts []string, ok bool) {
	depth, start := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\\':
			if strings.HasPrefix(src[i:], `\Q`) {
				return nil, false
			}
			i++
		case '[':
			end := classEnd(src, i)
			if end < 0 {
				return nil, false
			}
			i = end
		case '(':
			if rest := src[i:]; strings.HasPrefix(rest, "(?") && !strings.HasPrefix(rest, "(?:") && !strings.HasPrefix(rest, "(?P<") &&
				!strings.HasPrefix(rest, "(?<") {
				// A flag group: (?i:…) holds its flags, (?i) sets them
				// up to the end of the enclosing group.
				if j := strings.IndexAny(rest, ":)"); j < 0 || rest[j] == ')' {
					return nil, false
				}
			}
			depth++
		case ')':
			if depth--; depth < 0 {
				return nil, false
			}
		case '|':
			if depth == 0 {
				alts = append(alts, src[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, false
	}
	alts = append(alts, src[start:])
	var out []string
	for _, a := range alts {
		if inner, ok := strings.CutPrefix(a, "(?:"); ok && strings.HasSuffix(inner, ")") {
			if sub, ok := splitAlternation(inner[:len(inner)-1]); ok { // not ok for "(?:a)b(?:c)"
				out = append(out, sub...)
				continue
			}
		}
		out = append(out, a)
	}
	return out, true
}

// classEnd returns the index of the "]" that closes the character class
// opening at src[i], or -1.
func classEnd(src string, i int) int {
	j := i + 1
	if j < len(src) && src[j] == '^' {
		j++
	}
	if j < len(src) && src[j] == ']' {
		j++ // a "]" first is a literal
	}
	for ; j < len(src); j++ {
		switch {
		case src[j] == '\\':
			j++
		case strings.HasPrefix(src[j:], "[:"):
			if k := strings.Index(src[j:], ":]"); k >= 0 {
				j += k + 1
			}
		case src[j] == ']':
			return j
		}
	}
	return -1
}

// maxPhrase bounds the length of a word-list or scam-script match, so each
// anchored attempt reads a bounded window instead of the rest of the text.
const maxPhrase = 300

// find returns, for each expression, its non-overlapping matches in s that
// start at the start of a word and end at the end of one, and are at most
// maxPhrase bytes long. After a match, the next attempt is at the next
// word start after it. Trying the anchored expressions only where words
// start is much cheaper than an unanchored search, and Go's \b knows only
// ASCII, so "überweisung" and "enculé" need the explicit boundary anyway.
func (ws *wordSet) find(s string) [][][2]int {
	out := make([][][2]int, len(ws.res))
	if !utf8.ValidString(s) {
		// Invalid bytes decode differently forwards and backwards; the
		// rune-by-rune walk decides word starts as it goes.
		for k := range ws.res {
			out[k] = ws.walk(k, s, 0, false, nil)
		}
		return out
	}
	// The word starts, each with the units that may match there: those of
	// starts[j] are cands[starts[j-1].cands:starts[j].cands], in order.
	starts := wordStarts(s)
	var cands []int32
	for j := range starts {
		from := len(cands)
		cands = ws.trie.match(s[starts[j].at:], cands)
		slices.Sort(cands[from:])
		starts[j].cands = int32(len(cands))
	}
	for k := range ws.res {
		end, from := 0, int32(0) // end of the last match; first unit of this start
		for _, st := range starts {
			units := ws.unitsOf(k, cands[from:st.cands])
			from = st.cands
			if st.at < end || len(units) == 0 {
				continue
			}
			m, ok := ws.matchAt(units, s, st.at)
			if !ok {
				continue
			}
			out[k] = append(out[k], m)
			end = m[1]
			if end < len(s) && !utf8.RuneStart(s[end]) {
				// The window cut a character, and the match took the
				// piece: the walk goes on from inside the character,
				// where the word starts are not the text's.
				last, _ := utf8.DecodeLastRuneInString(s[:end])
				out[k] = ws.walk(k, s, end, isWordRune(last), out[k])
				break
			}
		}
	}
	return out
}

// unitsOf returns the units of expression k among units, which are sorted.
func (ws *wordSet) unitsOf(k int, units []int32) []int32 {
	a := 0
	for a < len(units) && ws.units[units[a]].expr < k {
		a++
	}
	b := a
	for b < len(units) && ws.units[units[b]].expr == k {
		b++
	}
	return units[a:b]
}

// walk is find for expression k from byte i of s on, rune by rune, with
// prevWord telling whether the rune before i is a letter or digit; it
// appends to out.
func (ws *wordSet) walk(k int, s string, i int, prevWord bool, out [][2]int) [][2]int {
	var cands []int32
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		word := isWordRune(r)
		if word && !prevWord {
			cands = ws.trie.match(s[i:], cands[:0])
			slices.Sort(cands)
			if units := ws.unitsOf(k, cands); len(units) > 0 {
				if m, ok := ws.matchAt(units, s, i); ok {
					out = append(out, m)
					last, _ := utf8.DecodeLastRuneInString(s[:m[1]])
					i, prevWord = m[1], isWordRune(last)
					continue
				}
			}
		}
		i, prevWord = i+size, word
	}
	return out
}

// matchAt runs an expression at byte i of s, in a window of maxPhrase
// bytes, through units, the ones of its units that may match there, and
// accepts a non-empty match that ends a word. The expression's match is
// its first unit's that matches, or with longest the longest.
func (ws *wordSet) matchAt(units []int32, s string, i int) ([2]int, bool) {
	w := s[i:min(len(s), i+maxPhrase)]
	var loc []int
	for j, u := range units {
		if j > 0 && units[j-1] == u {
			continue // found twice on the trie path
		}
		l := ws.units[u].re.FindStringIndex(w)
		if l != nil && (loc == nil || l[1] > loc[1]) {
			loc = l
			if !ws.longest {
				break
			}
		}
	}
	if loc == nil || loc[1] == 0 || !wordBoundary(s, i, i+loc[1]) {
		return [2]int{}, false
	}
	return [2]int{i, i + loc[1]}, true
}

// wordStart is where a word starts, and the end of its candidate units
// (wordSet.find).
type wordStart struct {
	at    int
	cands int32
}

// wordStarts returns where the words of s (valid UTF-8) start: at a letter
// or digit after anything else.
func wordStarts(s string) []wordStart {
	out := make([]wordStart, 0, len(s)/5)
	prev := false
	for i := 0; i < len(s); {
		c, size, word := s[i], 1, false
		if c < utf8.RuneSelf {
			word = 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			word = isWordRune(r)
		}
		if word && !prev {
			out = append(out, wordStart{at: i})
		}
		i, prev = i+size, word
	}
	return out
}

// wordBoundary reports whether s[a:b] is neither preceded nor followed by
// a letter or digit.
func wordBoundary(s string, a, b int) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:a])
	after, _ := utf8.DecodeRuneInString(s[b:])
	return (a == 0 || !isWordRune(before)) && (b == len(s) || !isWordRune(after))
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// prefixTrie is a byte trie of match prefixes, each node listing the
// units with a prefix ending there, in flat arrays: node n has the
// children kids[first[n]:first[n+1]], reached by the bytes at the same
// indexes of edges, and the units units[unitsAt[n]:unitsAt[n+1]]. Node 0
// is the root.
type prefixTrie struct {
	first, unitsAt []int32
	edges          []byte
	kids, units    []int32
}

// match appends to out the units with a prefix that s starts with.
func (t *prefixTrie) match(s string, out []int32) []int32 {
	n := 0
	out = append(out, t.units[t.unitsAt[n]:t.unitsAt[n+1]]...)
	for i := 0; i < len(s); i++ {
		a := t.first[n]
		j := bytes.IndexByte(t.edges[a:t.first[n+1]], s[i])
		if j < 0 {
			break
		}
		n = int(t.kids[int(a)+j])
		out = append(out, t.units[t.unitsAt[n]:t.unitsAt[n+1]]...)
	}
	return out
}

// trieBuilder builds a prefixTrie.
type trieBuilder struct {
	nodes []builderNode
}

type builderNode struct {
	edges       []byte  // one byte per child, in kids' order
	kids, units []int32 // kids index nodes
}

func newTrieBuilder() *trieBuilder { return &trieBuilder{nodes: make([]builderNode, 1)} }

func (b *trieBuilder) insert(p string, unit int32) {
	n := 0
	for i := 0; i < len(p); i++ {
		j := bytes.IndexByte(b.nodes[n].edges, p[i])
		if j < 0 {
			b.nodes = append(b.nodes, builderNode{})
			b.nodes[n].edges = append(b.nodes[n].edges, p[i])
			b.nodes[n].kids = append(b.nodes[n].kids, int32(len(b.nodes)-1))
			j = len(b.nodes[n].kids) - 1
		}
		n = int(b.nodes[n].kids[j])
	}
	if !slices.Contains(b.nodes[n].units, unit) {
		b.nodes[n].units = append(b.nodes[n].units, unit)
	}
}

// trie returns the trie built, in flat arrays.
func (b *trieBuilder) trie() prefixTrie {
	t := prefixTrie{first: make([]int32, 0, len(b.nodes)+1), unitsAt: make([]int32, 0, len(b.nodes)+1)}
	for _, n := range b.nodes {
		t.first = append(t.first, int32(len(t.edges)))
		t.unitsAt = append(t.unitsAt, int32(len(t.units)))
		t.edges = append(t.edges, n.edges...)
		t.kids = append(t.kids, n.kids...)
		t.units = append(t.units, n.units...)
	}
	t.first = append(t.first, int32(len(t.edges)))
	t.unitsAt = append(t.unitsAt, int32(len(t.units)))
	return t
}

// Limits of the prefix analysis. Longer prefixes and larger sets reject
// more word starts but cost memory; a character class of more runes than
// prefixClass ends a prefix (\w, \p{L}, [^.!?\n] …).
const (
	prefixLen   = 8
	prefixMax   = 4096
	prefixClass = 16
)

// matchPrefix is a byte string that a match starts with, or with exact,
// the whole match.
type matchPrefix struct {
	s     string
	exact bool
}

// prefixesOf returns prefixes such that every string re matches either
// equals an exact one or starts with an inexact one. The strings are
// UTF-8 bytes of the runes re matches; the matcher reads an invalid byte
// as U+FFFD, so an expression that can match U+FFFD gives up its prefix
// there.
func prefixesOf(re *syntax.Regexp) []matchPrefix {
	empty := []matchPrefix{{"", true}}
	switch re.Op {
	case syntax.OpNoMatch:
		return nil
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return empty
	case syntax.OpLiteral:
		out := empty
		for _, r := range re.Rune {
			runes := []rune{r}
			if re.Flags&syntax.FoldCase != 0 {
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					runes = append(runes, f)
				}
			}
			out = concatPrefixes(out, runePrefixes(runes))
		}
		return out
	case syntax.OpCharClass:
		n := rune(0)
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += re.Rune[i+1] - re.Rune[i] + 1
		}
		if n > prefixClass {
			return []matchPrefix{{"", false}}
		}
		var runes []rune
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				runes = append(runes, r)
			}
		}
		return runePrefixes(runes)
	case syntax.OpCapture:
		return prefixesOf(re.Sub[0])
	case syntax.OpStar:
		return tidyPrefixes(append(empty, openPrefixes(prefixesOf(re.Sub[0]))...))
	case syntax.OpPlus:
		sub := prefixesOf(re.Sub[0])
		return concatPrefixes(sub, append(empty, openPrefixes(sub)...))
	case syntax.OpQuest:
		return tidyPrefixes(append(empty, prefixesOf(re.Sub[0])...))
	case syntax.OpRepeat:
		switch {
		case re.Max == 0:
			return empty
		case re.Min == 0:
			return tidyPrefixes(append(empty, openPrefixes(prefixesOf(re.Sub[0]))...))
		}
		return openPrefixes(prefixesOf(re.Sub[0]))
	case syntax.OpConcat:
		out := empty
		for _, sub := range re.Sub {
			if !slices.ContainsFunc(out, func(p matchPrefix) bool { return p.exact }) {
				break
			}
			out = concatPrefixes(out, prefixesOf(sub))
		}
		return out
	case syntax.OpAlternate:
		var out []matchPrefix
		for _, sub := range re.Sub {
			out = append(out, prefixesOf(sub)...)
		}
		return tidyPrefixes(out)
	}
	return []matchPrefix{{"", false}} // any character
}

// runePrefixes are the exact one-rune strings of runes.
func runePrefixes(runes []rune) []matchPrefix {
	out := make([]matchPrefix, 0, len(runes))
	for _, r := range runes {
		if r == utf8.RuneError || !utf8.ValidRune(r) {
			return []matchPrefix{{"", false}}
		}
		out = append(out, matchPrefix{string(r), true})
	}
	return tidyPrefixes(out)
}

// concatPrefixes returns the prefixes of a string of a followed by one of
// b. When there would be more than prefixMax, a's stay unfinished.
func concatPrefixes(a, b []matchPrefix) []matchPrefix {
	n := 0
	for _, x := range a {
		if x.exact {
			n += len(b)
		} else {
			n++
		}
	}
	if n > prefixMax {
		return openPrefixes(a)
	}
	out := make([]matchPrefix, 0, n)
	for _, x := range a {
		if !x.exact {
			out = append(out, x)
			continue
		}
		for _, y := range b {
			p := matchPrefix{x.s + y.s, y.exact}
			if len(p.s) > prefixLen {
				p = matchPrefix{p.s[:prefixLen], false}
			}
			out = append(out, p)
		}
	}
	return tidyPrefixes(out)
}

// openPrefixes makes every prefix inexact: more may follow each.
func openPrefixes(ps []matchPrefix) []matchPrefix {
	out := make([]matchPrefix, len(ps))
	for i, p := range ps {
		out[i] = matchPrefix{p.s, false}
	}
	return tidyPrefixes(out)
}

// tidyPrefixes sorts ps and drops duplicates and prefixes implied by an
// inexact prefix of theirs.
func tidyPrefixes(ps []matchPrefix) []matchPrefix {
	slices.SortFunc(ps, func(a, b matchPrefix) int {
		if c := strings.Compare(a.s, b.s); c != 0 {
			return c
		}
		switch {
		case a.exact == b.exact:
			return 0
		case !a.exact:
			return -1
		}
		return 1
	})
	out := ps[:0]
	open := -1 // index in out of the last inexact prefix
	for _, p := range ps {
		if open >= 0 && strings.HasPrefix(p.s, out[open].s) {
			continue
		}
		if len(out) > 0 && out[len(out)-1] == p {
			continue
		}
		if !p.exact {
			open = len(out)
		}
		out = append(out, p)
	}
	return out
}
