package risk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/vigil-ts/vigil/internal/policy"
)

// fired makes a fired signal of the given strength.
func fired(name string, strength float64) Signal {
	return Signal{Name: name, Version: version, Fired: true, Strength: strength, Positive: slices.Contains(policy.TrustSignals(), name), Detail: name}
}

// points maps contribution names to points.
func points(x Explanation) map[string]float64 {
	m := map[string]float64{}
	for _, c := range x.Contributions {
		m[c.Signal] = c.Points
	}
	return m
}

func TestScore(t *testing.T) {
	weights := func(w map[string]float64) policy.Risk {
		p := defaults()
		p.Weights = w
		return p
	}
	tests := []struct {
		name    string
		signals []Signal
		links   []Link
		p       policy.Risk
		score   int
		band    string
		points  map[string]float64
	}{
		{"nothing fired", []Signal{{Name: "velocity"}}, nil, defaults(), 0, "low", map[string]float64{}},
		{"one signal at full strength", []Signal{fired("email.disposable", 1)}, nil, defaults(), 15, "low",
			map[string]float64{"email.disposable": 15}},
		{"strength scales the weight", []Signal{fired("account.duplicate", 0.6)}, nil, defaults(), 15, "low",
			map[string]float64{"account.duplicate": 15}},
		{"a signal without a weight adds nothing", []Signal{fired("velocity", 1), fired("email.disposable", 1)}, nil,
			weights(map[string]float64{"email.disposable": 30}), 30, "medium", map[string]float64{"email.disposable": 30}},
		{"trust offsets risk", []Signal{fired("dmca.accepted", 1), fired("verified.id", 1)}, nil, defaults(), 20, "low",
			map[string]float64{"dmca.accepted": 30, "verified.id": -10}},
		{"above 100 the risk side gives way", []Signal{fired("account.shadow_profile", 1), fired("dmca.accepted", 1), fired("chargeback.pattern", 1), fired("buyers.shared_payment", 1), fired("verified.id", 1)},
			nil, weights(map[string]float64{"account.shadow_profile": 50, "dmca.accepted": 50, "chargeback.pattern": 30, "buyers.shared_payment": 20, "verified.id": -10}),
			100, "critical", // Equal remainders: the tenth goes to the first name.
			map[string]float64{"account.shadow_profile": 36.7, "dmca.accepted": 36.6, "chargeback.pattern": 22, "buyers.shared_payment": 14.7, "verified.id": -10}},
		{"below 0 the trust side gives way", []Signal{fired("orders.cancelled", 0.4), fired("deals.completed", 1), fired("verified.id", 1), fired("account.tenure", 1)},
			nil, defaults(), 0, "low", map[string]float64{"orders.cancelled": 6, "deals.completed": -2.6, "verified.id": -1.7, "account.tenure": -1.7}},
		{"trust alone scores 0", []Signal{fired("verified.phone", 1)}, nil, defaults(), 0, "low", map[string]float64{"verified.phone": 0}},
		{"rounding the sum up", []Signal{fired("email.disposable", 1), fired("velocity", 1)}, nil,
			weights(map[string]float64{"email.disposable": 10.25, "velocity": 10.25}), 21, "low", map[string]float64{"email.disposable": 10.5, "velocity": 10.5}},
		{"rounding the sum down", []Signal{fired("email.disposable", 1), fired("velocity", 1), fired("verified.id", 1)}, nil,
			weights(map[string]float64{"email.disposable": 10.2, "velocity": 10.2, "verified.id": -0.1}), 20, "low",
			map[string]float64{"email.disposable": 10.1, "velocity": 10, "verified.id": -0.1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := Score(tt.signals, tt.links, tt.p)
			if x.Score != tt.score || x.Band != tt.band {
				t.Errorf("score %d %s, want %d %s", x.Score, x.Band, tt.score, tt.band)
			}
			if got := points(x); !reflect.DeepEqual(got, tt.points) {
				t.Errorf("points %v, want %v", got, tt.points)
			}
			checkSums(t, x)
		})
	}
}

// R-F5: strongly linked peers add a confidence-weighted share of their
// score, all peers together at most PeerMaxPoints.
func TestScorePeers(t *testing.T) {
	tests := []struct {
		name   string
		links  []Link
		points map[string]float64
	}{
		{"confidence-weighted share", []Link{{AccountID: "p1", Kind: "email", Confidence: 0.95, PeerScore: 40}},
			map[string]float64{"peer.p1": 19}},
		{"capped together, proportionally", []Link{
			{AccountID: "p1", Kind: "email", Confidence: 0.95, PeerScore: 80},  // 38
			{AccountID: "p2", Kind: "device", Confidence: 0.85, PeerScore: 60}, // 25.5
		}, map[string]float64{"peer.p1": 18, "peer.p2": 12}},
		{"a shared IP alone passes nothing on", []Link{{AccountID: "p1", Kind: "ip", Confidence: 0.3, PeerScore: 100}},
			map[string]float64{}},
		{"unless a person confirmed the link", []Link{{AccountID: "p1", Kind: "ip", Confidence: 0.3, Confirmed: true, PeerScore: 40}},
			map[string]float64{"peer.p1": 20}},
		{"a peer counts once, by its strongest link", []Link{
			{AccountID: "p1", Kind: "ip", Confidence: 0.3, PeerScore: 40},
			{AccountID: "p1", Kind: "address", Confidence: 0.6, PeerScore: 40},
			{AccountID: "p1", Kind: "phone", Confidence: 0.8, PeerScore: 40},
		}, map[string]float64{"peer.p1": 16}},
		{"a clean peer adds nothing", []Link{{AccountID: "p1", Kind: "email", Confidence: 0.95}}, map[string]float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := Score(nil, tt.links, defaults())
			if got := points(x); !reflect.DeepEqual(got, tt.points) {
				t.Errorf("points %v, want %v", got, tt.points)
			}
			checkSums(t, x)
		})
	}
}

// The contributions add up to the score exactly, whatever the signals,
// weights and peers, beyond 100 and below 0 too; the side that did not
// overshoot keeps its points.
func TestScoreSumsProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	names := append(policy.RiskSignals(), policy.TrustSignals()...)
	var over, under, inside int
	for i := range 5000 {
		p := defaults()
		p.Weights = map[string]float64{}
		var sigs []Signal
		for _, name := range names {
			trust := slices.Contains(policy.TrustSignals(), name)
			w := r.Float64() * 60
			if trust {
				w = -r.Float64() * 60
			}
			p.Weights[name] = math.Round(w*1000) / 1000
			if r.IntN(3) == 0 {
				s := fired(name, []float64{1, r.Float64()}[r.IntN(2)])
				sigs = append(sigs, s)
			}
		}
		var links []Link
		for j := range r.IntN(4) {
			links = append(links, Link{AccountID: fmt.Sprint("p", j), Kind: "device", Confidence: r.Float64(), PeerScore: r.IntN(101), Confirmed: r.IntN(5) == 0})
		}
		x := Score(sigs, links, p)
		raw := 0.0
		for _, c := range x.Contributions {
			raw += c.RawPoints
		}
		switch {
		case raw > 100.5:
			over++
			for _, c := range x.Contributions {
				if c.RawPoints < 0 && math.Abs(c.Points-c.RawPoints) > 0.1 {
					t.Fatalf("case %d: over 100, trust %s changed from %v to %v", i, c.Signal, c.RawPoints, c.Points)
				}
			}
		case raw < -0.5:
			under++
			for _, c := range x.Contributions {
				if c.RawPoints > 0 && math.Abs(c.Points-c.RawPoints) > 0.1 {
					t.Fatalf("case %d: below 0, risk %s changed from %v to %v", i, c.Signal, c.RawPoints, c.Points)
				}
			}
		default:
			inside++
		}
		if want := int(math.Round(math.Min(100, math.Max(0, x.Raw)))); abs(x.Score-want) > 1 {
			t.Fatalf("case %d: score %d for raw %v", i, x.Score, x.Raw)
		}
		checkSums(t, x)
	}
	if over < 100 || under < 100 || inside < 100 {
		t.Errorf("the property test covers too little: %d over 100, %d under 0, %d inside", over, under, inside)
	}
}

func abs(n int) int { return max(n, -n) }

// checkSums checks the promises of an explanation: contributions in
// tenths that add up to the score, signs kept, ordered by size.
func checkSums(t *testing.T, x Explanation) {
	t.Helper()
	if x.Score < 0 || x.Score > 100 {
		t.Fatalf("score %d out of range", x.Score)
	}
	tenths, sum := 0, 0.0
	for _, c := range x.Contributions {
		n := math.Round(c.Points * 10)
		if math.Abs(c.Points*10-n) > 1e-9 {
			t.Fatalf("%s: %v points is not in tenths", c.Signal, c.Points)
		}
		if c.Points*c.RawPoints < 0 {
			t.Fatalf("%s: %v points from %v raw changes sign", c.Signal, c.Points, c.RawPoints)
		}
		tenths += int(n)
		sum += c.Points
	}
	if tenths != x.Score*10 || math.Abs(sum-float64(x.Score)) > 1e-9 {
		t.Fatalf("contributions add up to %v, score %d: %+v", sum, x.Score, x.Contributions)
	}
	if !slices.IsSortedFunc(x.Contributions, func(a, b Contribution) int {
		if d := math.Abs(b.Points) - math.Abs(a.Points); d != 0 {
			return int(math.Copysign(1, d))
		}
		if a.Signal < b.Signal {
			return -1
		}
		return 1
	}) {
		t.Fatalf("contributions out of order: %+v", x.Contributions)
	}
	if x.Band != Band(x.Score, defaults()) {
		t.Fatalf("band %s for %d", x.Band, x.Score)
	}
}

func TestBand(t *testing.T) {
	tests := []struct {
		score int
		want  string
	}{{0, "low"}, {24, "low"}, {25, "medium"}, {49, "medium"}, {50, "high"}, {74, "high"}, {75, "critical"}, {100, "critical"}}
	for _, tt := range tests {
		if got := Band(tt.score, defaults()); got != tt.want {
			t.Errorf("Band(%d) = %s, want %s", tt.score, got, tt.want)
		}
	}
}

func TestOpensReview(t *testing.T) {
	tests := []struct {
		before, after int
		want          bool
	}{{60, 70, true}, {69, 95, true}, {70, 80, false}, {80, 60, false}, {60, 69, false}}
	for _, tt := range tests {
		if got := OpensReview(tt.before, tt.after, defaults()); got != tt.want {
			t.Errorf("OpensReview(%d, %d) = %v, want %v", tt.before, tt.after, got, tt.want)
		}
	}
}

// Two typical accounts end to end, events to explanation: a fraudster's
// second account and an established seller.
func TestTypicalAccounts(t *testing.T) {
	fraudster := func(b *builder) {
		b.register(0, map[string]any{"email": "deals4u@mailinator.com", "country": "DE", "id_country": "NG", "device_id": "dev-1"})
		b.add("order.created", at(1), map[string]any{"order_id": "o1", "buyer_id": me, "seller_id": "s", "amount": map[string]any{"amount": 89900, "currency": "EUR"}})
		b.repeat(4, func(b *builder, i int) { b.signal("payment.failed", 1+float64(i)/24) })
	}
	fraudCtx := func(c *Context) {
		c.Disposable = true
		c.Links = []Link{{AccountID: "acc-banned", Kind: "device", Confidence: 0.85, PeerScore: 90, PeerSuspended: true, PeerSince: at(-20)}}
	}
	seller := func(b *builder) {
		b.register(-730, map[string]any{"email": "anna@example.com", "country": "DE", "id_country": "DE"})
		b.verify(-700, "phone", "verified").verify(-700, "payment", "verified").verify(-690, "identity", "verified")
		b.repeat(40, func(b *builder, i int) {
			id := fmt.Sprint("o", i)
			b.order("created", -float64(i)*10-2, RoleSeller, id, 5000, nil).order("delivered", -float64(i)*10, RoleSeller, id, 5000, nil)
		})
		b.repeat(30, func(b *builder, i int) {
			b.review(-float64(i)*10, []int{5, 5, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 2}[i%15])
		})
		b.late(-3, "o-late")
	}
	tests := []struct {
		name   string
		events func(*builder)
		ctx    func(*Context)
		score  int
		band   string
		order  []string // the contributions, largest first
	}{
		{"fraudster", fraudster, fraudCtx, 100, "critical", []string{
			"account.shadow_profile", "peer.acc-banned", "account.duplicate", "purchase.high_value_new_account",
			"email.disposable", "payment.failures", "country.mismatch", "account.age", "account.tenure",
		}},
		// The late shipment's 3 points are all there is to offset: the
		// trust signals give way, in proportion, to 0.
		{"established seller", seller, nil, 0, "low", []string{
			"shipping.late", "deals.completed", "verified.id", "account.tenure", "feedback.positive", "verified.payment", "verified.phone",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBuilder(t)
			tt.events(b)
			c := Context{Now: at(2), Currency: "EUR"}
			if tt.ctx != nil {
				tt.ctx(&c)
			}
			p := defaults()
			x := Score(Evaluate(stateOf(me, b.evs), c, p), c.Links, p)
			var order []string
			for _, c := range x.Contributions {
				order = append(order, c.Signal)
			}
			if x.Score != tt.score || x.Band != tt.band || !reflect.DeepEqual(order, tt.order) {
				t.Errorf("got %d %s %v\nwant %d %s %v", x.Score, x.Band, order, tt.score, tt.band, tt.order)
			}
			checkSums(t, x)
			if testing.Verbose() {
				for _, c := range x.Contributions {
					t.Logf("%6.1f (raw %6.2f) %-32s %s", c.Points, c.RawPoints, c.Signal, c.Detail)
				}
			}
		})
	}
}
