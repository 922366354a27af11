package check

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jonreiter/govader"

	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// FuzzReviewText checks what the review check computes from a review's
// text and rating alone: the sentiment behind review.rating_mismatch is a
// number in [-1, 1] (its parts in [0, 1]) for any text, and the review
// rules report a text as too short exactly when it has fewer characters
// than the policy asks, with the count as the value, and nothing else
// about a verified, delivered, first review.
func FuzzReviewText(f *testing.F) {
	for _, s := range []string{
		"Great seller, fast shipping!!! :)", "Terrible. The item never arrived and he is a liar.", "ok", "", "   ",
		"Super Verkäufer, gerne wieder 👍", "NOT good... not BAD either?!", "kind of sort of :( :D <3 lol", "no no no no no no",
		"but but but, however; yet", strings.Repeat("!", 40), "ǅ\u0301\u200b", "\xff\xfe",
	} {
		f.Add(s, 5)
	}
	sentiment := govader.NewSentimentIntensityAnalyzer()
	p := policy.Default().Review
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	rf := store.ReviewFacts{OrderFound: true, OrderBuyer: "a", OrderSeller: "b", DeliveredAt: now.Add(-30 * 24 * time.Hour), AuthorReviews: 3}
	author := store.AccountFacts{Found: true, RegisteredAt: now.Add(-400 * 24 * time.Hour)}
	f.Fuzz(func(t *testing.T, text string, rating int) {
		if len(text) > 2000 {
			return
		}
		s := sentiment.PolarityScores(text)
		for _, v := range []float64{s.Positive, s.Negative, s.Neutral} {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("PolarityScores(%q) = %+v: a part outside [0, 1]", text, s)
			}
		}
		if !(s.Compound >= -1 && s.Compound <= 1) || math.IsNaN(s.Compound) {
			t.Fatalf("PolarityScores(%q).Compound = %v", text, s.Compound)
		}
		rv := &event.ReviewSubmitted{ReviewID: "r", OrderID: "o", AuthorID: "a", SubjectID: "b", Rating: rating, Text: text}
		fs := reviewFindings(p, rv, rf, author, now)
		n := utf8.RuneCountInString(strings.TrimSpace(text))
		short := slices.IndexFunc(fs, func(f detect.Finding) bool { return f.Code == "review.too_short" })
		if (n < p.MinLength) != (short >= 0) || len(fs) > 1 {
			t.Fatalf("review %q (%d characters, minimum %d): findings %+v", text, n, p.MinLength, fs)
		}
		if short >= 0 && (fs[short].Value != fmt.Sprint(n) || fs[short].Field != "text") {
			t.Fatalf("review %q: too_short finding %+v", text, fs[short])
		}
	})
}
