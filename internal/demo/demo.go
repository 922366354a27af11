// Package demo generates a realistic demo marketplace, "Kleinmarkt Demo": a
// multilingual European second-hand marketplace (Germany, the Netherlands,
// France, Italy, Austria) with a few hundred accounts, their listings,
// conversations, orders, reviews and trust & safety signals over the last 60
// days. Among the ordinary traffic it plants eight fraud schemes, each
// described with its accounts by Patterns, so that a moderator exploring the
// console has something real to find.
//
// Generate is pure and deterministic for a seed; Load sends its events
// through the ordinary ingestion path, so the demo exercises the same code
// and validation as a real marketplace, and loading twice changes nothing.
package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/event"
)

// Names and credentials of the demo. The password is public on purpose: the
// demo is for trying Vigil out, never for production data.
const (
	MarketplaceName = "Kleinmarkt Demo"
	MarketplaceSlug = "kleinmarkt-demo"
	Username        = "demo"
	Password        = "demo-moderator"
)

// Window is how far back before now the generated events reach.
const Window = 60 * 24 * time.Hour

// Sizes of the ordinary population; the fraud cast comes on top (see castList).
const (
	normalAccounts      = 275
	normalListings      = 560
	normalConversations = 240
	directOrders        = 100
)

// Generate returns the demo marketplace's events for seed, in chronological
// order, all within Window before now. The same seed and now give the same
// events, with ids "demo-00001", "demo-00002", ... in time order, so sending
// them twice is idempotent. now is truncated to the second: Load anchors it
// at the marketplace's creation time, which the database keeps to the
// microsecond, and the events must not depend on the lost nanoseconds.
func Generate(seed int64, now time.Time) []event.Envelope {
	return generate(seed, now).envelopes()
}

// generate runs the generator; its envelopes and photos are the demo.
func generate(seed int64, now time.Time) *gen {
	now = now.UTC().Truncate(time.Second)
	g := &gen{
		// The second PCG word is a fixed odd constant: only the seed varies.
		r:         rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		start:     now.Add(-Window).Add(time.Hour),
		end:       now.Add(-10 * time.Minute),
		lex:       lexicon(),
		used:      map[string]bool{},
		seq:       map[string]int{},
		countries: countries(),
		sold:      map[string]bool{},
	}
	for _, v := range reserved() {
		g.used[v] = true
	}
	g.population()
	g.market()
	g.talk()
	g.trade()
	g.signals()
	g.fraud()
	return g
}

// gen is the state of one generation run.
type gen struct {
	r          *rand.Rand
	start, end time.Time
	lex        map[string]*phrases
	out        []pending
	// used holds every email, phone, IP, device id and payment fingerprint
	// handed out, so ordinary accounts never share one by accident: shared
	// identifiers are the fraud signal, and only the planted cast has them.
	used      map[string]bool
	seq       map[string]int
	countries []*country

	people   []*account // ordinary accounts, in registration order
	listings []*listing
	convs    []*conversation
	sold     map[string]bool // listings already ordered
	photos   []Photo
}

// pending is an event before ordering and numbering.
type pending struct {
	at   time.Time
	typ  string
	data any
}

// emit records an event, unless it would happen after the end of the
// window: flows that run into the present simply stop there, as they would
// on a live marketplace. It reports whether the event was recorded.
func (g *gen) emit(at time.Time, typ string, data any) bool {
	if at.After(g.end) {
		return false
	}
	if at.Before(g.start) {
		panic(fmt.Sprintf("demo: %s event at %s before the window", typ, at))
	}
	g.out = append(g.out, pending{at: at.Truncate(time.Second), typ: typ, data: data})
	return true
}

// envelopes orders the recorded events by time (stably, so simultaneous
// events keep their causal order) and numbers them.
func (g *gen) envelopes() []event.Envelope {
	slices.SortStableFunc(g.out, func(a, b pending) int { return a.at.Compare(b.at) })
	out := make([]event.Envelope, len(g.out))
	for i, p := range g.out {
		// Texts keep "&" and "<" as they are, as a marketplace's JSON
		// would, rather than as \u0026 escapes.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(p.data); err != nil {
			// The payloads are the event package's own structs: encoding
			// them cannot fail.
			panic(fmt.Sprintf("demo: marshal %s: %v", p.typ, err))
		}
		out[i] = event.Envelope{ID: fmt.Sprintf("demo-%05d", i+1), Type: p.typ, OccurredAt: p.at, Data: bytes.TrimSpace(b.Bytes())}
	}
	return out
}

// country returns the country with the ISO code.
func (g *gen) country(code string) *country {
	for _, c := range g.countries {
		if c.code == code {
			return c
		}
	}
	panic("demo: no country " + code)
}

// nextID returns the next id with a prefix: "lst-0001", "lst-0002", ...
func (g *gen) nextID(prefix string) string {
	g.seq[prefix]++
	return fmt.Sprintf("%s-%04d", prefix, g.seq[prefix])
}

// unique calls next until it returns a value not handed out before.
func (g *gen) unique(next func() string) string {
	for {
		if v := next(); !g.used[v] {
			g.used[v] = true
			return v
		}
	}
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between returns a random second in [a, b), moved out of the small hours
// when there is room, because people trade in the daytime. b <= a gives a.
func (g *gen) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	t := a.Add(time.Duration(g.r.Int64N(int64(b.Sub(a)))))
	if d := daytime(t); d.Before(b) {
		t = d
	}
	return t.Truncate(time.Second)
}

// daytime moves a time in the small hours to the morning.
func daytime(t time.Time) time.Time {
	if t.Hour() < 7 {
		return t.Add(7 * time.Hour)
	}
	return t
}

// after returns a random time between lo and hi after t.
func (g *gen) after(t time.Time, lo, hi time.Duration) time.Time {
	return t.Add(lo + time.Duration(g.r.Int64N(int64(hi-lo)+1))).Truncate(time.Second)
}

// weighted returns an index drawn with the given weights.
func (g *gen) weighted(w ...int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := g.r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

func (g *gen) digits(n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + g.r.IntN(10)))
	}
	return b.String()
}

func (g *gen) hex(n int) string {
	const h = "0123456789abcdef"
	var b strings.Builder
	for range n {
		b.WriteByte(h[g.r.IntN(16)])
	}
	return b.String()
}

// pick returns a random element of xs.
func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// fill replaces {placeholders} in a template; kv alternates keys and values.
func fill(tpl string, kv ...string) string { return strings.NewReplacer(kv...).Replace(tpl) }

// hashHex is how the demo marketplace pseudonymises a shipping address.
func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// eur formats whole euros for message texts.
func eur(cents int64) string { return fmt.Sprint(cents / 100) }

// roundTo rounds cents to a multiple of step, at least one step.
func roundTo(cents, step int64) int64 { return max(step, (cents+step/2)/step*step) }

func euro(cents int64) event.Money { return event.Money{Amount: cents, Currency: "EUR"} }
