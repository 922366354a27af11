package price

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/vigil-ts/vigil/internal/detect"
)

// Brand is a protected brand and the least a genuine item of it sells for.
type Brand struct {
	// Name as it is written, e.g. "Louis Vuitton".
	Name string
	// MinPrice is the minimum plausible price in minor units of the
	// listing's currency; 0 means unknown, and then nothing fires.
	MinPrice int64
}

// Hit is a brand named in a text.
type Hit struct {
	Brand Brand
	// Span is the byte range of the name in the text.
	Span detect.Span
	// Match is the name as the text writes it.
	Match string
}

// Brands finds protected brand names in text. Matching ignores case,
// accents and compatibility forms (NFKD), needs word boundaries on both
// sides ("Nike" is not found in "Nikes"), and lets the separators inside a
// name vary ("Louis-Vuitton", "LouisVuitton", "LOUIS  VUITTON"). It is
// immutable and safe for concurrent use.
type Brands struct {
	brands []Brand
	parts  [][][]rune     // per brand: its words, folded
	first  map[rune][]int // folded first rune → brands starting with it
}

// NewBrands prepares a brand list for matching. Names without a letter or
// digit are ignored.
func NewBrands(brands []Brand) *Brands {
	b := &Brands{first: make(map[rune][]int)}
	for _, br := range brands {
		var words [][]rune
		for _, u := range fold(br.Name) {
			if u.sepBefore || len(words) == 0 {
				words = append(words, nil)
			}
			words[len(words)-1] = append(words[len(words)-1], u.r)
		}
		if len(words) == 0 {
			continue
		}
		i := len(b.brands)
		b.brands = append(b.brands, br)
		b.parts = append(b.parts, words)
		b.first[words[0][0]] = append(b.first[words[0][0]], i)
	}
	return b
}

// Find returns the brands named in text, each once, at its first mention,
// in order of appearance.
func (b *Brands) Find(text string) []Hit {
	units := fold(text)
	var hits []Hit
	seen := make(map[int]bool)
	for i, u := range units {
		if !u.sepBefore {
			continue // not the start of a word
		}
		for _, k := range b.first[u.r] {
			if seen[k] {
				continue
			}
			if end, ok := matchAt(units, i, b.parts[k]); ok {
				seen[k] = true
				span := detect.Span{Start: units[i].start, End: units[end-1].end}
				hits = append(hits, Hit{Brand: b.brands[k], Span: span, Match: text[span.Start:span.End]})
			}
		}
	}
	return hits
}

// matchAt reports whether the words match units from i on, each word's
// letters adjacent, any separators (or none) between words, and a word
// boundary after the last; end is the index after the match.
func matchAt(units []unit, i int, words [][]rune) (end int, ok bool) {
	k := i
	for _, w := range words {
		for n, r := range w {
			if k == len(units) || units[k].r != r || (n > 0 && units[k].sepBefore) {
				return 0, false
			}
			k++
		}
	}
	return k, k == len(units) || units[k].sepBefore
}

// Counterfeit returns a listing.counterfeit finding for each brand hit in
// the field whose minimum plausible price is above amount: a genuine item
// of the brand does not sell that cheap. A price ≤ 0 is price.zero's
// business, not evidence of a fake.
func Counterfeit(field string, hits []Hit, amount int64) []detect.Finding {
	var out []detect.Finding
	for _, h := range hits {
		if amount <= 0 || h.Brand.MinPrice <= 0 || amount >= h.Brand.MinPrice {
			continue
		}
		span := h.Span
		out = append(out, detect.Finding{
			Code: CodeCounterfeit, Field: field, Span: &span, Match: h.Match,
			Value:     strconv.FormatInt(amount, 10),
			Threshold: fmt.Sprintf("%s from %d", h.Brand.Name, h.Brand.MinPrice),
			Detail: fmt.Sprintf("Names the protected brand %s at %d, below the least a genuine item sells for (%d).",
				h.Brand.Name, amount, h.Brand.MinPrice),
		})
	}
	return out
}

// unit is one letter or digit of a text after folding, with the byte range
// of the source character(s) it came from.
type unit struct {
	r          rune
	start, end int
	// sepBefore says characters other than letters and digits (or the
	// text's start) come between this unit and the previous one.
	sepBefore bool
}

// fold turns text into its letters and digits: each character decomposed
// (NFKD), accents dropped, case folded. A dropped accent extends the
// previous unit's byte range, so spans cover what the text shows.
func fold(text string) []unit {
	var out []unit
	sep := true
	for i := 0; i < len(text); {
		p := norm.NFKD.PropertiesString(text[i:])
		size := max(p.Size(), 1)
		emit := func(r rune) {
			switch {
			case unicode.Is(unicode.Mn, r):
				if len(out) > 0 && !sep {
					out[len(out)-1].end = i + size
				}
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				out = append(out, unit{r: foldRune(r), start: i, end: i + size, sepBefore: sep})
				sep = false
			default:
				sep = true
			}
		}
		if d := p.Decomposition(); d != nil {
			for _, r := range string(d) {
				emit(r)
			}
		} else {
			r, _ := utf8.DecodeRuneInString(text[i:])
			emit(r)
		}
		i += size
	}
	return out
}

// foldRune maps r to the smallest rune of its simple case-folding orbit, so
// runes that differ only in case compare equal.
func foldRune(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}
