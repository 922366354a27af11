package risk

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/policy"
)

// Strength constants: counts at which a count-based signal fires at full
// strength (Vigil's choice; SPEC names the signals, not their scale).
const (
	fullLate         = 5  // late or untracked shipments in the window
	fullCancelled    = 5  // cancelled orders in the window
	fullPrescreen    = 5  // pre-screen rejections in the window
	fullDMCA         = 3  // accepted DMCA takedowns: R-E2's restriction count
	fullDeals        = 20 // completed deals
	positiveFeedback = 0.9
	// dmcaMonths is R-E2's 12-month strike window; hijack incidents count
	// as long (Vigil's choice).
	dmcaMonths = 12
	// maxEventIDs is how many event ids a signal cites, the newest; its
	// Value carries the full count. Enough for a moderator to open, small
	// enough for an explanation to stay readable.
	maxEventIDs = 20
	// version of every signal's definition; it changes when a signal's
	// meaning does, so stored explanations can be told apart.
	version = "1"
)

// Context holds what the service layer looks up across accounts for one
// evaluation; Evaluate compares it with the policy.
type Context struct {
	// Now is the evaluation time; windows end at it.
	Now time.Time
	// Disposable reports that the account's email domain is on the
	// disposable-email list.
	Disposable bool
	// IPBurst lists the accounts, this one included, first seen on one of
	// this account's IP addresses within risk.accounts_per_ip.window of
	// each other.
	IPBurst []string
	// Links are the accounts linked to this one, at most one per peer and
	// identifier kind.
	Links []Link
	// SharedBuyers lists the buyers who share a payment method or a
	// shipping address with another buyer and bought from this seller.
	SharedBuyers []string
	// BelowMarket lists the decision ids of this seller's listings found
	// priced significantly below market within risk.fulfilment_window.
	BelowMarket []string
	// Currency is the policy's currency (Policy.Currency). Purchases in
	// another currency are not compared with risk.high_value: Vigil does
	// not convert currencies, and comparing unconverted amounts would
	// invent a signal (R-P1).
	Currency string
}

// Link is another account that shares an identifier with this one, or
// that a person confirmed to be the same person's.
type Link struct {
	AccountID string
	// Kind is the shared identifier's kind (email, phone, payment,
	// device, address, ip) or "confirmed".
	Kind string
	// Confidence is risk.link_confidence of Kind, 0..1.
	Confidence float64
	// Confirmed links were confirmed by a person; they count as certain,
	// whatever Confidence says.
	Confirmed bool
	// PeerScore is the peer's own risk score. Pass the score of the peer's
	// own signals, without its peers' share, so that two linked accounts
	// do not feed each other's scores.
	PeerScore int
	// PeerSuspended reports that the peer is suspended or blocked, and
	// PeerSince since when (zero if not).
	PeerSuspended bool
	PeerSince     time.Time
}

// confidence is how sure the link is: certain when a person confirmed it.
func (l Link) confidence() float64 {
	if l.Confirmed {
		return 1
	}
	return l.Confidence
}

// strong reports whether the link counts as a duplicate account, whose
// risk the account shares.
func (l Link) strong(p policy.Risk) bool {
	return l.Confirmed || l.Confidence >= p.DuplicateMinConfidence
}

// Signal is one checked signal with its evidence (R-P1). Signals that did
// not fire are returned too, so that the console can show what was checked.
type Signal struct {
	// Name is stable API: policy weights and explanations use it.
	Name string `json:"name"`
	// Version changes when the signal's definition does.
	Version string `json:"version"`
	// Value is what was measured: a count, a rate, an age in days.
	Value float64 `json:"value"`
	// Threshold and Window say what Value was compared with, in words.
	Threshold string `json:"threshold"`
	Window    string `json:"window,omitempty"`
	Fired     bool   `json:"fired"`
	// Positive marks trust signals, which lower the score.
	Positive bool `json:"positive,omitempty"`
	// Strength is how fully the signal fires, 0..1; its points are
	// strength × weight. 0 when it did not fire.
	Strength float64 `json:"strength"`
	// EventIDs are the events behind the value, the newest first.
	EventIDs []string `json:"event_ids,omitempty"`
	// Refs are other accounts or decisions behind the value.
	Refs []string `json:"refs,omitempty"`
	// Detail is one sentence for a moderator.
	Detail string `json:"detail"`
}

// Evaluate checks every signal of policy.RiskSignals and
// policy.TrustSignals, in that order, against the account's state and the
// context. A signal without the data it needs does not fire (R-P1), and a
// signal counting events in a window stops firing once c.Now has moved
// past them.
func Evaluate(s *State, c Context, p policy.Risk) []Signal {
	e := &evaluation{s: s, c: c, p: p, first: s.FirstSeen()}
	if !e.first.IsZero() {
		e.age = max(c.Now.Sub(e.first), 0)
	}
	return []Signal{
		e.disposable(), e.ipBurst(), e.duplicate(), e.accountAge(), e.countryMismatch(), e.shadowProfile(),
		e.paymentFailures(), e.refundRate(), e.disputeRate(), e.highValue(), e.chargebacks(), e.sharedBuyers(),
		e.belowMarket(), e.lateShipping(), e.cancelled(), e.reviewBurst(), e.dmca(), e.hijack(), e.prescreen(),
		e.velocity(),
		e.deals(), e.feedback(),
		e.verified("verified.phone", "phone", "phone"),
		e.verified("verified.payment", "payment method", "payment", "bank"),
		e.verified("verified.id", "identity", "identity"),
		e.tenure(),
	}
}

// evaluation is one Evaluate call's inputs and the account's age.
type evaluation struct {
	s     *State
	c     Context
	p     policy.Risk
	first time.Time // zero when unknown
	age   time.Duration
}

func newSignal(name string, positive bool) Signal {
	return Signal{Name: name, Version: version, Positive: positive}
}

// fire marks sig fired at strength (clamped to 0..1).
func (sig *Signal) fire(strength float64) {
	sig.Fired, sig.Strength = true, math.Min(1, math.Max(0, strength))
}

// since returns the entries of list after c.Now−w, the window's entries.
// Entries later than Now count too: a source's clock may run ahead.
func since[T entry](list []T, now time.Time, w time.Duration) []T {
	start := now.Add(-w)
	i, _ := slices.BinarySearchFunc(list, start, func(x T, t time.Time) int {
		if x.stamp().At.After(t) {
			return 1
		}
		return -1
	})
	return list[i:]
}

// ids returns the event ids of list, newest first, at most maxEventIDs.
func ids[T entry](list []T) []string {
	var out []string
	for i := len(list) - 1; i >= 0 && len(out) < maxEventIDs; i-- {
		out = append(out, list[i].stamp().EventID)
	}
	return out
}

// distinct keeps each Ref's first entry; entries without a Ref stay.
func distinct(list []Evidence) []Evidence {
	seen := map[string]bool{}
	var out []Evidence
	for _, x := range list {
		if x.Ref != "" {
			if seen[x.Ref] {
				continue
			}
			seen[x.Ref] = true
		}
		out = append(out, x)
	}
	return out
}

// sortedUnique returns the distinct non-empty values, sorted.
func sortedUnique(v []string) []string {
	out := slices.DeleteFunc(slices.Clone(v), func(s string) bool { return s == "" })
	slices.Sort(out)
	return slices.Compact(out)
}

func days(d time.Duration) float64 { return d.Hours() / 24 }

// windowCount is the common shape of "N events in the window": it fires
// above limit, at strength count/full (1 when full is 0).
func (e *evaluation) windowCount(name string, list []Evidence, w policy.Duration, limit, full int, what string) Signal {
	sig := newSignal(name, false)
	in := since(list, e.c.Now, w.Std())
	sig.Value, sig.Window, sig.EventIDs = float64(len(in)), w.String(), ids(in)
	sig.Threshold = fmt.Sprintf("> %d", limit)
	if full > 0 {
		sig.Threshold += fmt.Sprintf(", full strength at %d", full)
	}
	sig.Detail = fmt.Sprintf("%s in the last %s: %d.", capitalise(what), w, len(in))
	if len(in) > limit {
		strength := 1.0
		if full > 0 {
			strength = float64(len(in)) / float64(full)
		}
		sig.fire(strength)
	}
	return sig
}

func (e *evaluation) disposable() Signal {
	sig := newSignal("email.disposable", false)
	sig.Threshold = "domain on the disposable-email list"
	d := e.s.EmailDomain
	switch {
	case !d.Known():
		sig.Detail = "No email address known."
	case e.c.Disposable:
		sig.Value, sig.EventIDs = 1, []string{d.EventID}
		sig.Detail = fmt.Sprintf("The email domain %s is a disposable-email domain.", d.Value)
		sig.fire(1)
	default:
		sig.EventIDs = []string{d.EventID}
		sig.Detail = fmt.Sprintf("The email domain %s is not on the disposable-email list.", d.Value)
	}
	return sig
}

func (e *evaluation) ipBurst() Signal {
	sig := newSignal("ip.accounts_per_hour", false)
	r := e.p.AccountsPerIP
	accounts := sortedUnique(e.c.IPBurst)
	sig.Value, sig.Window, sig.Refs = float64(len(accounts)), r.Window.String(), accounts
	sig.Threshold = fmt.Sprintf("> %d accounts per IP", r.Max)
	sig.Detail = fmt.Sprintf("%d accounts first seen on a shared IP address within %s.", len(accounts), r.Window)
	if len(accounts) > r.Max {
		sig.fire(1)
	}
	return sig
}

// strongPeers returns the distinct accounts of strong links, sorted, the
// highest confidence among them and the kinds that link them.
func (e *evaluation) strongPeers(keep func(Link) bool) (peers []string, best float64, kinds []string) {
	for _, l := range e.c.Links {
		if l.AccountID == "" || !l.strong(e.p) || !keep(l) {
			continue
		}
		peers = append(peers, l.AccountID)
		kinds = append(kinds, l.Kind)
		best = math.Max(best, l.confidence())
	}
	return sortedUnique(peers), best, sortedUnique(kinds)
}

func (e *evaluation) duplicate() Signal {
	sig := newSignal("account.duplicate", false)
	peers, best, kinds := e.strongPeers(func(Link) bool { return true })
	sig.Value, sig.Refs = float64(len(peers)), peers
	sig.Threshold = fmt.Sprintf("link confidence ≥ %g", e.p.DuplicateMinConfidence)
	if len(peers) == 0 {
		sig.Detail = "No account shares an identifier strongly enough to count as a duplicate."
		return sig
	}
	sig.Detail = fmt.Sprintf("Linked to %d other account(s) by %s (highest confidence %.2f).", len(peers), strings.Join(kinds, ", "), best)
	sig.fire(best)
	return sig
}

func (e *evaluation) accountAge() Signal {
	sig := newSignal("account.age", false)
	h := e.p.AgeHorizon
	sig.Threshold, sig.Window = fmt.Sprintf("< %s, fading linearly", h), h.String()
	if e.first.IsZero() {
		sig.Detail = "The account's age is unknown."
		return sig
	}
	sig.Value, sig.EventIDs = days(e.age), e.firstEvent()
	sig.Detail = fmt.Sprintf("The account is %.1f days old.", days(e.age))
	if e.age < h.Std() {
		sig.fire(1 - float64(e.age)/float64(h.Std()))
	}
	return sig
}

// firstEvent cites the event that dates the account.
func (e *evaluation) firstEvent() []string {
	if e.s.Registered.Known() {
		return []string{e.s.Registered.EventID}
	}
	return []string{e.s.First.EventID}
}

func (e *evaluation) countryMismatch() Signal {
	sig := newSignal("country.mismatch", false)
	sig.Threshold = "registration country ≠ ID country"
	reg, id := e.s.Country, e.s.IDCountry
	if !reg.Known() || !id.Known() {
		sig.Detail = "Registration country or ID country unknown."
		return sig
	}
	sig.EventIDs = sortedUnique([]string{reg.EventID, id.EventID})
	if reg.Value == id.Value {
		sig.Detail = fmt.Sprintf("Registered in %s with an ID from %s.", reg.Value, id.Value)
		return sig
	}
	sig.Value = 1
	sig.Detail = fmt.Sprintf("Registered in %s, but the identity document is from %s.", reg.Value, id.Value)
	sig.fire(1)
	return sig
}

func (e *evaluation) shadowProfile() Signal {
	sig := newSignal("account.shadow_profile", false)
	sig.Threshold = "strong link to an account suspended before this one appeared"
	if e.first.IsZero() {
		sig.Detail = "The account's age is unknown."
		return sig
	}
	peers, _, _ := e.strongPeers(func(l Link) bool {
		return l.PeerSuspended && !l.PeerSince.IsZero() && l.PeerSince.Before(e.first)
	})
	sig.Value, sig.Refs = float64(len(peers)), peers
	if len(peers) == 0 {
		sig.Detail = "Not linked to an account suspended before this one appeared."
		return sig
	}
	sig.EventIDs = e.firstEvent()
	sig.Detail = fmt.Sprintf("Appeared after, and is linked to, %d suspended account(s).", len(peers))
	sig.fire(1)
	return sig
}

func (e *evaluation) paymentFailures() Signal {
	// R-F2 counts failures per buyer without a window; Vigil's choice is
	// the fulfilment window, so that old failures are forgiven.
	return e.windowCount("payment.failures", e.s.PaymentFailures, e.p.FulfilmentWindow, e.p.PaymentFailures, 0, "payment failures")
}

// rate is a lifetime rate that needs MinOrders cases before it means
// anything.
func (e *evaluation) rate(name string, n, of int, limit float64, evidence []Evidence, what, whole string) Signal {
	sig := newSignal(name, false)
	sig.Threshold = fmt.Sprintf("> %g%% with at least %d %s", limit*100, e.p.MinOrders, whole)
	sig.Window = "all " + whole
	if of < e.p.MinOrders {
		sig.Detail = fmt.Sprintf("Only %d %s: too few for a %s.", of, whole, what)
		return sig
	}
	// The first orders may predate the integration: never above 100%.
	r := float64(n) / float64(max(of, n))
	sig.Value, sig.EventIDs = r, ids(evidence)
	sig.Detail = fmt.Sprintf("%s %.0f%% (%d of %d %s).", capitalise(what), r*100, n, of, whole)
	if r > limit {
		sig.fire(1)
	}
	return sig
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (e *evaluation) refundRate() Signal {
	return e.rate("refund.rate", e.s.RefundsAsBuyer, e.s.OrdersAsBuyer, e.p.RefundRate, e.s.Refunds, "refund rate", "orders")
}

func (e *evaluation) disputeRate() Signal {
	return e.rate("dispute.rate", e.s.DisputesAsSeller, e.s.OrdersAsSeller, e.p.DisputeRate, e.s.Disputes, "dispute rate", "sales")
}

func (e *evaluation) highValue() Signal {
	sig := newSignal("purchase.high_value_new_account", false)
	w := e.p.FulfilmentWindow
	// The window is Vigil's choice: a purchase that caused no trouble
	// within the fulfilment window is history.
	sig.Window = w.String()
	sig.Threshold = fmt.Sprintf("> %s by an account younger than %s", money(e.p.HighValue, e.c.Currency), e.p.NewAccountAge)
	if e.first.IsZero() {
		sig.Detail = "The account's age is unknown."
		return sig
	}
	var hits []Purchase
	orders := map[string]bool{}
	var largest int64
	for _, x := range since(e.s.Purchases, e.c.Now, w.Std()) {
		if e.c.Currency == "" || x.Currency != e.c.Currency || x.Amount <= e.p.HighValue || x.At.Sub(e.first) >= e.p.NewAccountAge.Std() {
			continue
		}
		hits = append(hits, x)
		orders[x.Ref] = true
		largest = max(largest, x.Amount)
	}
	sig.Value, sig.EventIDs = float64(len(orders)), ids(hits)
	if len(hits) == 0 {
		sig.Detail = fmt.Sprintf("No purchase above %s while the account was new.", money(e.p.HighValue, e.c.Currency))
		return sig
	}
	sig.Detail = fmt.Sprintf("%d purchase(s) above %s while the account was new, the largest %s.", len(orders), money(e.p.HighValue, e.c.Currency), money(largest, e.c.Currency))
	sig.fire(1)
	return sig
}

func (e *evaluation) chargebacks() Signal {
	return e.windowCount("chargeback.pattern", e.s.Chargebacks, e.p.ChargebackWindow, e.p.Chargebacks, 0, "chargebacks")
}

func (e *evaluation) sharedBuyers() Signal {
	sig := newSignal("buyers.shared_payment", false)
	buyers := sortedUnique(e.c.SharedBuyers)
	sig.Value, sig.Refs = float64(len(buyers)), buyers
	sig.Threshold = fmt.Sprintf("≥ %d buyers sharing a payment method or shipping address", e.p.SharedBuyers)
	sig.Detail = fmt.Sprintf("%d buyer(s) sharing a payment method or shipping address bought from this seller.", len(buyers))
	if len(buyers) >= e.p.SharedBuyers {
		sig.fire(1)
	}
	return sig
}

func (e *evaluation) belowMarket() Signal {
	sig := newSignal("price.below_market", false)
	decisions := sortedUnique(e.c.BelowMarket)
	sig.Value, sig.Refs, sig.Window = float64(len(decisions)), decisions, e.p.FulfilmentWindow.String()
	sig.Threshold = "> 0 listings significantly below market"
	sig.Detail = fmt.Sprintf("%d listing(s) priced significantly below market.", len(decisions))
	if len(decisions) > 0 {
		sig.fire(1)
	}
	return sig
}

func (e *evaluation) lateShipping() Signal {
	// An order reported late and shipped untracked counts once.
	late := distinct(since(e.s.LateShipments, e.c.Now, e.p.FulfilmentWindow.Std()))
	return e.windowCount("shipping.late", late, e.p.FulfilmentWindow, 0, fullLate, "late or untracked shipments")
}

func (e *evaluation) cancelled() Signal {
	return e.windowCount("orders.cancelled", e.s.Cancellations, e.p.FulfilmentWindow, 0, fullCancelled, "orders cancelled as seller")
}

func (e *evaluation) reviewBurst() Signal {
	sig := newSignal("reviews.five_star_burst", false)
	r, look := e.p.ReviewBurst, e.p.FulfilmentWindow
	sig.Threshold = fmt.Sprintf("> %d five-star reviews within %s", r.Max, r.Window)
	// Vigil's choice: the densest window among the reviews of the
	// fulfilment window, R-F3's "last 30 days".
	sig.Window = look.String()
	reviews := distinct(since(e.s.FiveStarReviews, e.c.Now, look.Std()))
	var best []Evidence
	for i, j := 0, 0; j < len(reviews); j++ {
		for reviews[j].At.Sub(reviews[i].At) >= r.Window.Std() {
			i++
		}
		if j-i+1 > len(best) {
			best = reviews[i : j+1]
		}
	}
	sig.Value, sig.EventIDs = float64(len(best)), ids(best)
	sig.Detail = fmt.Sprintf("At most %d five-star reviews received within %s in the last %s.", len(best), r.Window, look)
	if len(best) > r.Max {
		sig.fire(1)
	}
	return sig
}

// months returns the entries of the last n calendar months.
func (e *evaluation) months(list []Evidence, n int) []Evidence {
	return since(list, e.c.Now, e.c.Now.Sub(e.c.Now.AddDate(0, -n, 0)))
}

func (e *evaluation) dmca() Signal {
	sig := newSignal("dmca.accepted", false)
	in := e.months(e.s.DMCA, dmcaMonths)
	sig.Value, sig.EventIDs = float64(len(in)), ids(in)
	sig.Threshold, sig.Window = fmt.Sprintf("> 0, full strength at %d", fullDMCA), fmt.Sprintf("%d months", dmcaMonths)
	sig.Detail = fmt.Sprintf("%d accepted DMCA takedown(s) in the last %d months.", len(in), dmcaMonths)
	if len(in) > 0 {
		sig.fire(float64(len(in)) / fullDMCA)
	}
	return sig
}

func (e *evaluation) hijack() Signal {
	sig := newSignal("hijack.incident", false)
	in := e.months(e.s.Hijacks, dmcaMonths)
	sig.Value, sig.EventIDs = float64(len(in)), ids(in)
	sig.Threshold, sig.Window = "> 0", fmt.Sprintf("%d months", dmcaMonths)
	sig.Detail = fmt.Sprintf("Named in %d hijack incident(s) in the last %d months.", len(in), dmcaMonths)
	if len(in) > 0 {
		sig.fire(1)
	}
	return sig
}

func (e *evaluation) prescreen() Signal {
	return e.windowCount("listing.prescreen_rejections", e.s.PrescreenRejections, e.p.FulfilmentWindow, 0, fullPrescreen, "listings rejected by the marketplace's pre-screen")
}

// velocity compares, tier by tier, the actions the account took while it
// was younger than the tier's age within the tier's window ending now: an
// account's first-day burst stays visible for the window even after the
// account has grown into the next tier.
func (e *evaluation) velocity() Signal {
	sig := newSignal("velocity", false)
	sig.Threshold = "the account-age tier's listings and orders per window"
	if len(e.p.Velocity) == 0 {
		sig.Detail = "The policy sets no velocity tiers."
		return sig
	}
	if e.first.IsZero() {
		sig.Detail = "The account's age is unknown."
		return sig
	}
	young := func(list []Evidence, t policy.VelocityTier) []Evidence {
		var out []Evidence
		for _, x := range list {
			if x.At.Sub(e.first) < t.MaxAge.Std() {
				out = append(out, x)
			}
		}
		return out
	}
	// A listing counts once, when first seen: later upserts are edits.
	listings := distinct(e.s.Listings)
	for _, t := range e.p.Velocity {
		l := young(since(listings, e.c.Now, t.Window.Std()), t)
		o := young(since(e.s.BuyerOrders, e.c.Now, t.Window.Std()), t)
		what, n, limit, evidence := "listings", len(l), t.Listings, l
		if len(o)-t.Orders > len(l)-t.Listings {
			what, n, limit, evidence = "orders", len(o), t.Orders, o
		}
		if n > limit {
			sig.Value, sig.Window, sig.EventIDs = float64(n), t.Window.String(), ids(evidence)
			sig.Threshold = fmt.Sprintf("> %d %s per %s while younger than %s", limit, what, t.Window, t.MaxAge)
			sig.Detail = fmt.Sprintf("%d %s within %s while the account was younger than %s (the tier allows %d).", n, what, t.Window, t.MaxAge, limit)
			sig.fire(1)
			return sig
		}
	}
	sig.Detail = "Listings and orders within every account-age tier's limits."
	return sig
}

func (e *evaluation) deals() Signal {
	sig := newSignal("deals.completed", true)
	n := e.s.DealsCompleted
	sig.Value, sig.EventIDs = float64(n), ids(e.s.Deals)
	sig.Threshold, sig.Window = fmt.Sprintf("> 0, full strength at %d", fullDeals), "all time"
	sig.Detail = fmt.Sprintf("%d completed deal(s).", n)
	if n > 0 {
		sig.fire(float64(n) / fullDeals)
	}
	return sig
}

func (e *evaluation) feedback() Signal {
	sig := newSignal("feedback.positive", true)
	n, pos := e.s.ReviewsReceived, e.s.ReviewsPositive
	sig.Threshold = fmt.Sprintf("≥ %g%% rated 4 or 5, with at least %d reviews", positiveFeedback*100, e.p.MinOrders)
	sig.Window = "all reviews"
	if n < e.p.MinOrders {
		sig.Detail = fmt.Sprintf("Only %d review(s) received: too few for a feedback rate.", n)
		return sig
	}
	r := float64(pos) / float64(n)
	sig.Value, sig.EventIDs = r, ids(e.s.PositiveReviews)
	sig.Detail = fmt.Sprintf("%.0f%% positive reviews (%d of %d).", r*100, pos, n)
	if r >= positiveFeedback {
		sig.fire(1)
	}
	return sig
}

// verified checks that one of kinds is verified now.
func (e *evaluation) verified(name, what string, kinds ...string) Signal {
	sig := newSignal(name, true)
	sig.Threshold = what + " verified"
	sig.Detail = fmt.Sprintf("The %s is not verified.", what)
	for _, k := range kinds {
		if v, ok := e.s.Verification[k]; ok && v.Value == "verified" {
			sig.Value, sig.EventIDs = 1, []string{v.EventID}
			sig.Detail = fmt.Sprintf("The %s is verified.", what)
			sig.fire(1)
			return sig
		}
	}
	return sig
}

func (e *evaluation) tenure() Signal {
	sig := newSignal("account.tenure", true)
	t := e.p.Tenure
	sig.Threshold = fmt.Sprintf("> 0, full strength at %s", t)
	if e.first.IsZero() {
		sig.Detail = "The account's age is unknown."
		return sig
	}
	sig.Value, sig.EventIDs = days(e.age), e.firstEvent()
	sig.Detail = fmt.Sprintf("On the marketplace for %.0f days.", days(e.age))
	if e.age > 0 {
		sig.fire(float64(e.age) / float64(t.Std()))
	}
	return sig
}

// money renders minor units the way people read them; currencies without
// minor units are printed whole.
func money(amount int64, currency string) string {
	if currency == "" {
		return fmt.Sprintf("%d (minor units)", amount)
	}
	switch currency {
	case "JPY", "KRW", "ISK", "CLP", "VND", "PYG", "UGX", "XAF", "XOF":
		return fmt.Sprintf("%s %d", currency, amount)
	}
	return fmt.Sprintf("%s %d.%02d", currency, amount/100, amount%100)
}
