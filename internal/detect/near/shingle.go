package near

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Kind says how a text is cut into shingles.
type Kind uint8

const (
	// Chars cuts the normalised text, with the spaces between words removed,
	// into overlapping runs of K characters. It suits short texts such as
	// titles: "128GB" and "128 GB" become the same text, and one changed word
	// costs only the few shingles around it.
	Chars Kind = iota
	// Words cuts the normalised text into overlapping runs of K words. It
	// suits descriptions and reviews: a long text gets about one shingle per
	// word instead of one per character, and copied passages show as long
	// runs of shared shingles.
	Words
)

// String returns the kind's name, for logs and benchmark labels.
func (k Kind) String() string {
	if k == Words {
		return "words"
	}
	return "chars"
}

// hashSeed and hashPrime make every hash in the package a fixed function of
// its input, so similarities, signatures and benchmark figures are the same
// on every run and every machine (maphash would be randomly seeded).
const (
	hashSeed  = 0x9e3779b97f4a7c15
	hashPrime = 0x100000001b3 // the 64-bit FNV prime
)

// mix64 is the MurmurHash3 finaliser: it spreads every input bit over the
// whole word, which the cheap FNV-style combining in hashSeq does not.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// hashSeq hashes a sequence of tokens (runes or word hashes) in order.
func hashSeq(tokens []uint64) uint64 {
	h := uint64(hashSeed)
	for _, t := range tokens {
		h = (h ^ t) * hashPrime
	}
	return mix64(h)
}

// shingler turns text into shingle hashes.
type shingler struct {
	kind Kind
	k    int
}

// tokens appends the text's tokens to dst after normalisation: NFKD (so
// compatibility forms such as full-width letters and ligatures become plain
// letters, and accents become separate marks), accents dropped (sellers
// retype "Café" as "Cafe"), lower case, and every run of characters that are
// neither letters nor digits treated as one word break. For Chars a token is
// a character and word breaks vanish; for Words a token is the hash of a word.
//
// It decomposes rune by rune instead of normalising the whole string first:
// that allocates nothing, and the one thing it skips, canonical reordering
// of combining marks, cannot matter once the marks are dropped.
func (s shingler) tokens(dst []uint64, text string) []uint64 {
	t := tokenizer{words: s.kind == Words, dst: dst, word: len(dst)}
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			t.add(rune(c))
			i++
			continue
		}
		p := norm.NFKD.PropertiesString(text[i:])
		if d := p.Decomposition(); d != nil {
			for _, r := range string(d) {
				t.add(r)
			}
		} else {
			r, _ := utf8.DecodeRuneInString(text[i:])
			t.add(r)
		}
		i += max(p.Size(), 1)
	}
	t.flush()
	return t.dst
}

// tokenizer collects tokens from a stream of decomposed runes. For Words
// the runes of the current word are kept at the end of dst, from word on,
// until flush replaces them by their hash: no buffer of its own to allocate.
type tokenizer struct {
	words bool
	dst   []uint64
	word  int
}

func (t *tokenizer) add(r rune) {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		default:
			t.flush()
			return
		}
	case unicode.Is(unicode.Mn, r):
		return // an accent: drop it, the word goes on
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		r = unicode.ToLower(r)
	default:
		t.flush()
		return
	}
	t.dst = append(t.dst, uint64(r))
}

// flush ends the current word.
func (t *tokenizer) flush() {
	if t.words && len(t.dst) > t.word {
		t.dst = append(t.dst[:t.word], hashSeq(t.dst[t.word:]))
		t.word = len(t.dst)
	}
}

// shingles appends the hashes of the text's shingles to dst (unsorted, may
// repeat) and returns it with the token buffer for reuse. A text with fewer
// than k tokens is one shingle, so short texts still compare.
func (s shingler) shingles(dst, tok []uint64, text string) (shingles, tokens []uint64) {
	tok = s.tokens(tok[:0], text)
	switch {
	case len(tok) == 0:
	case len(tok) < s.k:
		dst = append(dst, hashSeq(tok))
	default:
		for i := 0; i+s.k <= len(tok); i++ {
			dst = append(dst, hashSeq(tok[i:i+s.k]))
		}
	}
	return dst, tok
}

// sketch is the set a similarity is computed on: the distinct 32-bit
// shingle hashes of a text in ascending order, cut to the smallest size ones
// (a bottom-k sketch). full says no hash was cut, so the sketch is the whole
// set and Jaccard on it is exact.
func sketch(dst []uint32, shingles []uint64, size int) (sk []uint32, full bool) {
	dst = dst[:0]
	for _, h := range shingles {
		dst = append(dst, uint32(h>>32))
	}
	slices.Sort(dst)
	dst = slices.Compact(dst)
	if len(dst) > size {
		return dst[:size], false
	}
	return dst, true
}

// similarity compares two sketches of at most size hashes each and
// reports whether they are at least need similar. When both are full it is
// the exact Jaccard similarity of the two shingle sets; otherwise the
// bottom-k estimate.
func similarity(a []uint32, aFull bool, b []uint32, bFull bool, size int, need float64) (float64, bool) {
	if aFull && bFull {
		return exactJaccard(a, b, need)
	}
	s := estimatedJaccard(a, b, size)
	return s, s >= need
}

// exactJaccard returns |A∩B| / |A∪B| of two sorted sets, or gives up with
// false as soon as the shared count can no longer reach need: J ≥ need ⟺
// |A∩B|·(1+need) ≥ need·(|A|+|B|). The size check up front rejects most
// candidates of a query before their hashes are read.
func exactJaccard(a, b []uint32, need float64) (float64, bool) {
	if len(a) == 0 || len(b) == 0 {
		return 0, need <= 0
	}
	// The slack keeps rounding from rejecting a pair the division below
	// would accept; it decides nothing on its own.
	bar := need*float64(len(a)+len(b)) - 1e-9
	reachable := func(both, i, j int) bool {
		return float64(both+min(len(a)-i, len(b)-j))*(1+need) >= bar
	}
	if !reachable(0, 0, 0) {
		return 0, false
	}
	both, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case b[j] < a[i]:
			j++
		default:
			both++
			i++
			j++
			continue
		}
		if !reachable(both, i, j) {
			return 0, false
		}
	}
	s := float64(both) / float64(len(a)+len(b)-both)
	return s, s >= need
}

// estimatedJaccard is the bottom-k estimate for sketches of which at least
// one was cut: of the size smallest hashes of the union of the sketches,
// the fraction present in both. Every such hash is at most the largest hash
// of either sketch, so whether it is in each set is known exactly.
func estimatedJaccard(a, b []uint32, size int) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	union, both := 0, 0
	i, j := 0, 0
	for union < size && (i < len(a) || j < len(b)) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			i++
		case i == len(a) || b[j] < a[i]:
			j++
		default:
			i++
			j++
			both++
		}
		union++
	}
	return float64(both) / float64(union)
}
