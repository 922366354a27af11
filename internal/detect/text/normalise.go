package text

import (
	"bytes"
	"iter"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"mvdan.cc/xurls/v2"

	"github.com/vigil-ts/vigil/internal/detect"
)

// Normalised is a text rewritten for matching, with a byte map back to the
// original so that every finding can point at the text the user wrote.
type Normalised struct {
	// Text is the normalised text: NFKC, case-folded, homoglyphs folded to
	// ASCII, spelled-out digits turned into digits, spaced-out characters
	// joined and "at"/"dot" spellings turned into "@" and ".".
	Text string
	// Words is Text with leetspeak folded inside words ("v1agra" →
	// "viagra"). It has the same length as Text, so spans are shared; it
	// is for word lists, never for values, because it also rewrites the
	// digits of mixed tokens such as "john1@…".
	Words string

	orig   string
	lo, hi []int // original byte range behind each byte of Text
}

// Original returns the text before normalisation.
func (n Normalised) Original() string { return n.orig }

// Span maps the byte range [start, end) of Text to the original text.
func (n Normalised) Span(start, end int) detect.Span {
	if start >= end || end > len(n.lo) {
		return detect.Span{}
	}
	return detect.Span{Start: n.lo[start], End: n.hi[end-1]}
}

// Match returns the original text behind Text[start:end].
func (n Normalised) Match(start, end int) string {
	sp := n.Span(start, end)
	return n.orig[sp.Start:sp.End]
}

// Normalise rewrites s for matching (see Normalised). It is safe for
// concurrent use.
func Normalise(s string) Normalised {
	nz, err := sharedNormaliser()
	if err != nil {
		// The tables are embedded in the binary: a failure here is a build
		// defect that the package tests catch, not a runtime condition.
		panic(err)
	}
	return nz.normalise(s)
}

// sharedNormaliser builds the read-only tables once; nothing changes them
// afterwards.
var sharedNormaliser = sync.OnceValues(newNormaliser)

// normaliser holds the read-only tables normalisation needs.
type normaliser struct {
	homoglyphs map[rune]string
	tlds       map[string]bool // real (IANA) top-level domains
	numbers    map[string]numWord
	stop       map[string]bool
	// functionTLDs and ownTLDs: see the constants of the same names.
	functionTLDs, ownTLDs map[string]bool
	connWords             map[string]bool // atWords and dotWords
	bracketRe             *regexp.Regexp
	chainRe               *regexp.Regexp
	connRe                *regexp.Regexp
}

const (
	atWords  = `at|ät|arobase|chiocciola|apenstaartje|klammeraffe`
	dotWords = `dot|punkt|point|punto|punt`
	// label is a domain label or the local part of an address.
	label = `[\p{L}\p{N}_](?:[\p{L}\p{N}_%+.\-]*[\p{L}\p{N}_])?`
	// conn joins labels: "@", a spelled at/dot, a spaced dot, or "(a)",
	// which stands for "@" only between an address's parts.
	conn = `[ \t]*@[ \t]*|[ \t]*\(a\)[ \t]*|[ \t]+(?:` + atWords + `|` + dotWords + `)[ \t]+|[ \t]+\.[ \t]*`
)

func newNormaliser() (*normaliser, error) {
	hg, err := loadHomoglyphs(homoglyphsJSON)
	if err != nil {
		return nil, err
	}
	return &normaliser{
		homoglyphs:   hg,
		tlds:         setOf(xurls.TLDs),
		numbers:      numberWords(),
		stop:         setOf(strings.Fields(stopWords)),
		functionTLDs: setOf(strings.Fields(functionTLDs)),
		ownTLDs:      setOf(strings.Split(ownTLDs, "|")),
		connWords:    setOf(strings.Split(atWords+"|"+dotWords, "|")),
		bracketRe:    regexp.MustCompile(`[ \t]*[(\[{<][ \t]*(` + atWords + `|@|` + dotWords + `|\.)[ \t]*[)\]}>][ \t]*`),
		chainRe:      regexp.MustCompile(label + `(?:(?:` + conn + `)` + label + `)+`),
		connRe:       regexp.MustCompile(conn),
	}, nil
}

func (nz *normaliser) normalise(s string) Normalised {
	m := nz.fold(s)
	// A rewrite can leave work for an earlier one: digits joined from
	// spelled or spaced ones ("fünf eins i drei" → "51i3") hold letters
	// standing for digits, joining "0 0" shortens the digit run beside it,
	// an address joined from spaced dots is a run of single letters. So the
	// rewrites run again until the text stays as it is, which makes
	// normalising idempotent; most texts take one round, and every rewrite
	// shortens the text or turns letters into digits or a tab into a blank,
	// so the rounds end.
	for range maxRounds {
		next := nz.rewrites(m, s)
		if bytes.Equal(next.b, m.b) {
			break
		}
		m = next
	}
	t := string(m.b)
	return Normalised{Text: t, Words: leet(t), orig: s, lo: m.lo, hi: m.hi}
}

// maxRounds bounds the rounds of rewrites; texts need one or two.
const maxRounds = 8

// rewrites applies every rewrite after folding, in order, once.
func (nz *normaliser) rewrites(m mapped, orig string) mapped {
	s := string(m.b)
	apply := func(edits []edit) {
		if len(edits) > 0 {
			m = m.rewrite(edits)
			s = string(m.b)
		}
	}
	apply(digitLookalikes(s))
	apply(nz.brackets(s))
	apply(nz.spelledNumbers(s))
	apply(spacedOut(s))
	apply(nz.spelledAddresses(m, s, orig))
	return m
}

// mapped is text under rewriting: each byte remembers the original byte
// range it came from.
type mapped struct {
	b      []byte
	lo, hi []int
}

func (m *mapped) add(s string, lo, hi int) {
	for i := 0; i < len(s); i++ {
		m.b = append(m.b, s[i])
		m.lo = append(m.lo, lo)
		m.hi = append(m.hi, hi)
	}
}

func (m *mapped) copyRange(from mapped, start, end int) {
	m.b = append(m.b, from.b[start:end]...)
	m.lo = append(m.lo, from.lo[start:end]...)
	m.hi = append(m.hi, from.hi[start:end]...)
}

// edit replaces the bytes [start, end) with repl. The replacement maps to
// the whole original range of what it replaces.
type edit struct {
	start, end int
	repl       string
}

// rewrite applies edits; overlapping ones after the first are dropped.
func (m mapped) rewrite(edits []edit) mapped {
	if len(edits) == 0 {
		return m
	}
	slices.SortFunc(edits, func(a, b edit) int { return a.start - b.start })
	out := mapped{
		b:  make([]byte, 0, len(m.b)),
		lo: make([]int, 0, len(m.b)),
		hi: make([]int, 0, len(m.b)),
	}
	pos := 0
	for _, e := range edits {
		if e.start < pos || e.start >= e.end {
			continue
		}
		out.copyRange(m, pos, e.start)
		out.add(e.repl, m.lo[e.start], m.hi[e.end-1])
		pos = e.end
	}
	out.copyRange(m, pos, len(m.b))
	return out
}

// fold applies NFKC, drops invisible format characters and stray combining
// marks, folds homoglyphs to ASCII and lower-cases.
func (nz *normaliser) fold(s string) mapped {
	m := mapped{
		b:  make([]byte, 0, len(s)),
		lo: make([]int, 0, len(s)),
		hi: make([]int, 0, len(s)),
	}
	var it norm.Iter
	it.InitString(norm.NFKC, s)
	var buf []byte
	start := 0
	for !it.Done() {
		for _, r := range string(it.Next()) {
			buf = nz.foldRune(buf, r)
		}
		// The iterator may hand out a long decomposition ("⑰" → "17") in
		// pieces before it moves on in s; they share the original range.
		if end := it.Pos(); end > start {
			m.add(string(buf), start, end)
			buf, start = buf[:0], end
		}
	}
	m.add(string(buf), start, len(s))
	return m
}

func (nz *normaliser) foldRune(buf []byte, r rune) []byte {
	switch {
	case r < utf8.RuneSelf:
		return append(buf, byte(unicode.ToLower(r)))
	case r == '\u00a0' || unicode.IsSpace(r):
		return append(buf, ' ')
	case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r):
		// Zero-width spaces, joiners, soft hyphens and combining
		// strike-throughs are favourite ways to split "what​sapp".
		return buf
	case r == 'ß' || r == 'ẞ':
		return append(buf, "ss"...) // full case folding, so "Scheiße" = "scheisse"
	case unicode.Is(unicode.Pd, r):
		return append(buf, '-')
	}
	if v, ok := nz.homoglyphs[r]; ok {
		for i := 0; i < len(v); i++ {
			buf = append(buf, byte(unicode.ToLower(rune(v[i]))))
		}
		return buf
	}
	return utf8.AppendRune(buf, unicode.ToLower(r))
}

// digitLookalikes reads letters that stand for digits inside a number
// ("O151 2345", "0l76"): a token of at least three digits whose other
// characters are at most two of o, i and l.
func digitLookalikes(s string) []edit {
	var edits []edit
	for _, t := range tokens(s, func(r rune) int {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return 1
		}
		return 0
	}) {
		w := s[t.start:t.end]
		digits, others := 0, 0
		for i := 0; i < len(w); i++ {
			switch {
			case isDigitByte(w[i]):
				digits++
			case strings.IndexByte("oil", w[i]) >= 0:
				others++
			default:
				others = 99
			}
		}
		if digits < 3 || others == 0 || others > 2 {
			continue
		}
		for i := 0; i < len(w); i++ {
			if !isDigitByte(w[i]) {
				d := "1" // i, l
				if w[i] == 'o' {
					d = "0"
				}
				edits = append(edits, edit{t.start + i, t.start + i + 1, d})
			}
		}
	}
	return edits
}

// brackets turns "(at)", "[dot]", "{punkt}", "(.)" into "@" and ".". The
// brackets make these unambiguous, so no further check is needed.
func (nz *normaliser) brackets(s string) []edit {
	var edits []edit
	if !strings.ContainsAny(s, "([{<") {
		return nil // every match has an opening bracket
	}
	for _, loc := range nz.bracketRe.FindAllStringSubmatchIndex(s, -1) {
		edits = append(edits, edit{loc[0], loc[1], connSymbol(s[loc[2]:loc[3]])})
	}
	return edits
}

func connSymbol(word string) string {
	if word == "@" || word == "(a)" || strings.Contains("|"+atWords+"|", "|"+word+"|") {
		return "@"
	}
	return "."
}

// token is a byte range [start, end) of a text.
type token struct{ start, end int }

// tokens splits s into runs of runes of the same non-zero class; runes of
// class 0 separate tokens, and class single always forms a token of its own.
func tokens(s string, class func(rune) int) []token {
	out := make([]token, 0, len(s)/4+1) // about a word in every 5 bytes
	cur, start := 0, 0
	for i, r := range s {
		c := class(r)
		if c != cur || c == single {
			if cur != 0 {
				out = append(out, token{start, i})
			}
			cur, start = c, i
		}
	}
	if cur != 0 {
		out = append(out, token{start, len(s)})
	}
	return out
}

const single = 99

// spacedOut joins runs of single characters separated by spaces or by one
// repeated separator: "w h a t s a p p", "j.o.h.n", "0 6 1 2 - 3 4". The
// separator used most in the run is padding and goes; a different one
// ("-" in "0 6 1 2 - 3 4", "." in "g m x . d e") is kept without its
// blanks. A run needs three characters, so "e.g.", "a.b@gmx.de" and
// French "à l'" stay as written; two do only right after an address
// connector ("punkt d e"). Four or more spaced digits next to spaced
// letters stay apart from them ("w h a t s a p p 0 1 5 2 …"), while a
// lone digit joins its letters ("v 1 a g r a").
func spacedOut(s string) []edit {
	toks := tokens(s, func(r rune) int {
		switch {
		case r == '@':
			return single
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return 1
		}
		return 0
	})
	var edits []edit
	for i := 0; i < len(toks); {
		j := i
		for j+1 < len(toks) && spaceable(s, toks[j]) && spaceable(s, toks[j+1]) && spacedSep(s[toks[j].end:toks[j+1].start]) {
			j++
		}
		run := toks[i : j+1]
		i = j + 1
		if len(run) >= 4 && oneLetterWord(s, run[0]) && i-len(run) > 0 && wordBefore(s, run[0].start) {
			run = run[1:] // "what a f u c k i n g joke": the article is a word of its own
		}
		if len(run) < 2 {
			continue
		}
		dominant := dominantSep(s, run)
		if len(run) < 3 && !(dominant == " " && afterConnector(s[:run[0].start])) {
			continue
		}
		digitRun := digitRunLengths(s, run)
		for k := 0; k+1 < len(run); k++ {
			a, b := run[k].end, run[k+1].start
			repl := ""
			if key := sepKey(s[a:b]); key != dominant {
				repl = key
			} else if isDigitByte(s[run[k].start]) != isDigitByte(s[run[k+1].start]) && max(digitRun[k], digitRun[k+1]) >= 4 {
				repl = " "
			}
			if repl != s[a:b] {
				edits = append(edits, edit{a, b, repl})
			}
		}
	}
	return edits
}

// oneLetterWord reports whether t is one of the one-letter words of the
// languages we read (a, i, y, e, o).
func oneLetterWord(s string, t token) bool {
	return strings.IndexByte("aiyeo", s[t.start]) >= 0
}

// wordBefore reports whether a word of two or more letters ends right
// before i, separated by blanks only.
func wordBefore(s string, i int) bool {
	before := strings.TrimRight(s[:i], " \t")
	if len(before) == len(s[:i]) {
		return false
	}
	r1, n1 := utf8.DecodeLastRuneInString(before)
	r2, _ := utf8.DecodeLastRuneInString(before[:len(before)-n1])
	return unicode.IsLetter(r1) && unicode.IsLetter(r2)
}

// dominantSep is the separator key used most in a run; blanks win ties.
func dominantSep(s string, run []token) string {
	counts := map[string]int{}
	for k := 0; k+1 < len(run); k++ {
		counts[sepKey(s[run[k].end:run[k+1].start])]++
	}
	dominant := " "
	for _, key := range slices.Sorted(maps.Keys(counts)) {
		if counts[key] > counts[dominant] {
			dominant = key
		}
	}
	return dominant
}

// digitRunLengths gives, for each token of a run, the length of the run of
// digit tokens it belongs to (0 for letters).
func digitRunLengths(s string, run []token) []int {
	out := make([]int, len(run))
	for k := 0; k < len(run); {
		e := k
		for e < len(run) && isDigitByte(s[run[e].start]) {
			e++
		}
		for x := k; x < e; x++ {
			out[x] = e - k
		}
		k = max(e, k+1)
	}
	return out
}

// afterConnector reports whether before ends with "@", "." or a spelled
// at/dot word.
func afterConnector(before string) bool {
	before = strings.TrimRight(before, " \t")
	if strings.HasSuffix(before, "@") || strings.HasSuffix(before, ".") {
		return true
	}
	i := strings.LastIndexFunc(before, func(r rune) bool { return !unicode.IsLetter(r) })
	w := before[i+1:]
	if i >= 0 {
		_, size := utf8.DecodeRuneInString(before[i:])
		w = before[i+size:]
	}
	return w != "" && strings.Contains("|"+atWords+"|"+dotWords+"|", "|"+w+"|")
}

// spaceable reports whether t is a character that obfuscators space out:
// one ASCII letter or digit, or "@", and not an elided article ("l'" in
// French "à l'étranger"). Accented single letters ("à", "è") are words.
func spaceable(s string, t token) bool {
	rest := s[t.end:]
	return t.end-t.start == 1 && s[t.start] < utf8.RuneSelf && !strings.HasPrefix(rest, "'") && !strings.HasPrefix(rest, "’")
}

// spacedSep reports whether sep may separate spaced-out characters:
// blanks, or one of . - _ / · • * | alone or with blanks on both sides.
// A punctuation mark with a blank on one side only ends a run, as in
// "e.g. z.B.", where it ends a sentence or an abbreviation.
func spacedSep(sep string) bool {
	core := strings.Trim(sep, " \t")
	switch {
	case sep == "":
		return false
	case core == "":
		return true
	case utf8.RuneCountInString(core) != 1 || !strings.ContainsAny(core, ".-_/·•*|"):
		return false
	}
	return core == sep || (strings.HasPrefix(sep, " ") && strings.HasSuffix(sep, " "))
}

func sepKey(sep string) string {
	if core := strings.Trim(sep, " \t"); core != "" {
		return core
	}
	return " "
}

// spelledAddresses turns "name at gmail dot com", "john ät gmx punkt de",
// "gmx . de" and "john @ gmx.de" into addresses. Because "at", "point" and
// "punto" are ordinary words, the result must end in a real TLD, and when
// the spelling is only a word: the word before must not be a function word
// ("look at ebay dot com" is a domain, not look@ebay.com), a TLD that is
// also a function word ("un point de vue") needs "dot" or a language whose
// own TLD it is ("punkt de", "punto it"), and a capitalised TLD in the
// original ("Zustand . Haus") reads as a new sentence.
func (nz *normaliser) spelledAddresses(m mapped, s, orig string) []edit {
	var edits []edit
	for _, p := range nz.chainPieces(s) {
		for _, loc := range nz.chainRe.FindAllStringIndex(s[p.start:p.end], -1) {
			edits = append(edits, nz.chain(s, p.start+loc[0], p.start+loc[1], func(a, b int) string {
				return orig[m.lo[a]:m.hi[b-1]]
			})...)
		}
	}
	return edits
}

// chainPieces returns the stretches of s that may hold an address chain
// (chainRe), so that the expression runs there only: pieces of the
// characters a chain is made of (letters, numbers, "_%+.-@()", blanks)
// that hold a connector (conn). chainRe has no anchors or word boundaries
// and no match crosses another character, so its matches in s are
// exactly its matches in these pieces.
func (nz *normaliser) chainPieces(s string) []token {
	var out []token
	for p := range pieces(s, func(r rune) bool {
		return r == ' ' || r == '\t' || unicode.IsLetter(r) || unicode.IsNumber(r) || strings.ContainsRune("_%+.-@()", r)
	}) {
		if nz.hasConn(s[p.start:p.end]) {
			out = append(out, p)
		}
	}
	return out
}

// hasConn reports whether s may hold a connector (conn): "@", "(a)", a
// blank before ".", or an at/dot word between blanks.
func (nz *normaliser) hasConn(s string) bool {
	if strings.Contains(s, "@") || strings.Contains(s, "(a)") || strings.Contains(s, " .") || strings.Contains(s, "\t.") {
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		if j < len(s) && nz.connWords[s[i+1:j]] {
			return true
		}
		i = j - 1
	}
	return false
}

// pieces splits s before every character for which in is false: each
// piece is such a character (none for the first piece) and the run of
// characters after it for which in is true. Pieces without such a run are
// left out. An expression without anchors or word boundaries that
// matches only characters for which in is true, except perhaps its first,
// finds in s exactly what it finds in the pieces.
func pieces(s string, in func(r rune) bool) iter.Seq[token] {
	return func(yield func(token) bool) {
		start, run := 0, 0 // of the piece and of its run
		for i := 0; i < len(s); {
			r, size := rune(s[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(s[i:])
			}
			if !in(r) {
				if i > run && !yield(token{start, i}) {
					return
				}
				start, run = i, i+size
			}
			i += size
		}
		if len(s) > run {
			yield(token{start, len(s)})
		}
	}
}

// link is one connector in an address chain.
type link struct {
	start, end int
	symbol     string // "@" or "."
	word       string // the spelled word, "" for a symbol
}

func (nz *normaliser) chain(s string, start, end int, original func(a, b int) string) []edit {
	var links []link
	var labels []token
	pos := start
	for _, loc := range nz.connRe.FindAllStringIndex(s[start:end], -1) {
		a, b := start+loc[0], start+loc[1]
		labels = append(labels, token{pos, a})
		w := strings.Trim(s[a:b], " \t")
		l := link{start: a, end: b, symbol: connSymbol(w)}
		if w != "@" && w != "." {
			l.word = w
		}
		links = append(links, l)
		pos = b
	}
	labels = append(labels, token{pos, end})
	last := labels[len(labels)-1]
	tld := s[last.start:last.end]
	if i := strings.LastIndexByte(tld, '.'); i >= 0 {
		tld = tld[i+1:]
	}
	if !nz.tlds[tld] {
		return nil
	}
	at := -1
	for i, l := range links {
		if l.symbol == "@" {
			at = i
		}
	}
	domain := links[at+1:]
	if at >= 0 {
		local := s[labels[at].start:labels[at].end]
		ok := len(domain) > 0 || strings.Contains(s[labels[at+1].start:labels[at+1].end], ".")
		if links[at].word == "at" {
			// English "at" makes an address only with a spelled-out domain
			// too: "name at gmail dot com", not "see more at etsy.com".
			ok = len(domain) > 0 && !nz.stop[local]
		}
		if ok {
			// The local part may be spelled too: "anna punkt schulz ät …".
			first := at
			for first > 0 && links[first-1].symbol == "." {
				first--
			}
			return linkEdits(links[first:])
		}
	}
	if len(domain) == 0 {
		return nil
	}
	weak := false
	for _, l := range domain {
		if l.word != "" || s[l.start] == ' ' || s[l.start] == '\t' {
			weak = true
		}
		if l.word != "" && l.word != "dot" && nz.functionTLDs[tld] && !nz.ownTLDs[l.word+" "+tld] {
			return nil
		}
	}
	first := labels[at+1]
	firstLabel := s[first.start:first.end]
	if weak && (nz.stop[firstLabel] || utf8.RuneCountInString(firstLabel) < 2 || isTitle(original(last.start, last.end))) {
		return nil
	}
	return linkEdits(domain)
}

func linkEdits(links []link) []edit {
	var edits []edit
	for _, l := range links {
		edits = append(edits, edit{l.start, l.end, l.symbol})
	}
	return edits
}

// isTitle reports whether w is capitalised like a word starting a sentence
// ("Haus", "De"), as opposed to all lower or all upper case.
func isTitle(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) && strings.ToLower(w[size:]) == w[size:] && size < len(w)
}

// leet folds leetspeak inside words, byte for byte: digits and $@!| become
// letters only in tokens that also hold a letter, so "0612" and "1:1"
// stay as they are while "v1agra" and "w3ap0n" read as words.
func leet(t string) string {
	b := []byte(t)
	isPart := func(c byte) bool {
		return c >= utf8.RuneSelf || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("@$!|", c) >= 0
	}
	for i := 0; i < len(b); {
		j := i
		letters := false
		for j < len(b) && isPart(b[j]) {
			if b[j] >= 'a' && b[j] <= 'z' || b[j] >= utf8.RuneSelf {
				letters = true
			}
			j++
		}
		if j == i {
			i++
			continue
		}
		if letters {
			for k := i; k < j; k++ {
				inner := k > i && k+1 < j
				switch c := b[k]; {
				case c >= '0' && c <= '9':
					if l := leetDigits[c-'0']; l != ' ' {
						b[k] = l
					}
				case c == '@' && k+1 < j:
					b[k] = 'a'
				case c == '$' && k+1 < j:
					b[k] = 's'
				case (c == '!' || c == '|') && inner:
					b[k] = 'i'
				}
			}
		}
		i = j
	}
	return string(b)
}

// leetDigits maps a digit to the letter it stands for; ' ' for none.
const leetDigits = "oi eas t  "

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// stopWords are function words that never start an address: "look at
// ebay dot com" is a domain, "un point de vue" is not one. Abbreviations
// are here too, so "Co.KG" and "bzw.am" are not domains.
const stopWords = "a an the me us you him her them it this that look here there is are was be to and or " + // en
	"home work meet see arrive stay pick up " +
	"ich du er sie es wir ihr mich mir uns der die das den dem ein eine einen und oder ist bin am im um zu " + // de
	"bzw usw ca co inkl ggf evtl zzgl nr str tel dr " +
	"le la les un une des du de ce cet cette au aux et ou est bon mon ton son nous vous moi toi quel " + // fr
	"il lo gli uno una di del della e o è al sul mi ti ci " + // it
	"het een en of op te van mij ons je " + // nl
	"el los las y por" // es

// functionTLDs are TLDs that are also everyday short words in the
// languages we read ("de", "in", "it", "me", "la" …).
const functionTLDs = "de in is it at to me no so do my by as us la es et ne ma sa re il se am im be al tu si mi"

// ownTLDs are the function-word TLDs that a spelled dot other than "dot"
// may still take, because it is that language's own domain ("kleinanzeigen
// punkt de", "negozio punto it").
const ownTLDs = "punkt de|punkt at|punkt be|punto it|punto es|punt be|point be"
