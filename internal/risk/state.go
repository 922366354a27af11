package risk

import (
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/event"
)

// StateVersion is the version of State's meaning. When Apply starts to
// record something new, the version goes up and stored states of an older
// version must be recomputed by replaying the account's events.
const StateVersion = 1

// Retention is how far before an account's newest event evidence is kept
// (Vigil's choice). It is measured from the newest event, not from the
// clock, so that the state depends only on the events; 400 days covers the
// longest window a signal reads, the 12 months of DMCA strikes (R-E2), with
// room for clock skew between sources.
const Retention = 400 * 24 * time.Hour

// MaxEvidence is the most entries one evidence list keeps, the newest
// (Vigil's choice). It bounds the work per event and the state's size; no
// signal needs more, since every count-based signal reaches full strength
// far below it.
const MaxEvidence = 200

// Evidence is one event behind a signal: when it happened and its id, so a
// moderator can open it (R-P1). Ref names the entity it is about when
// signals must count entities rather than events: an order, a listing or a
// review.
type Evidence struct {
	At      time.Time `json:"at"`
	EventID string    `json:"event_id"`
	Ref     string    `json:"ref,omitempty"`
}

// stamp makes Evidence (and types embedding it) an evidence-list entry.
func (e Evidence) stamp() Evidence { return e }

// Purchase is an order the account placed or paid, with its amount;
// whether it was a new account's high-value purchase depends on the policy
// and the registration date, so it is decided when evaluating.
type Purchase struct {
	Evidence
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Latest is a value the marketplace states and may restate, such as the
// account's country. The statement with the greatest (At, EventID) wins,
// so that the result does not depend on the order events arrive in.
type Latest[T any] struct {
	Value   T         `json:"value"`
	At      time.Time `json:"at"`
	EventID string    `json:"event_id"`
}

// Known reports whether any event stated the value.
func (l Latest[T]) Known() bool { return l.EventID != "" }

func (l *Latest[T]) set(v T, e Evidence) {
	if !l.Known() || compare(Evidence{At: l.At, EventID: l.EventID}, e) < 0 {
		*l = Latest[T]{Value: v, At: e.At, EventID: e.EventID}
	}
}

// State is one account's signal state. Ingestion applies each event to the
// state of every account it touches; a full recompute replays the stored
// events in whatever order the store returns them. Both give the same
// State, because every field is order-independent: counters are sums,
// Latest fields keep the greatest (At, EventID), First the least, and each
// evidence list holds the MaxEvidence newest entries no older than
// Retention before the newest event, sorted by (At, EventID).
//
// Counters assume each event is applied once per role; ingestion's
// idempotency (R-T3) guarantees it.
type State struct {
	// Version is the StateVersion that built the state.
	Version int `json:"version"`
	// First and Last are the account's earliest and newest events. Last
	// anchors Retention.
	First Evidence `json:"first,omitzero"`
	Last  Evidence `json:"last,omitzero"`
	// Registered is when the marketplace says the account was created;
	// unknown, the first event stands in (see FirstSeen).
	Registered Latest[time.Time] `json:"registered,omitzero"`
	// EmailDomain is the domain of the account's email address, lower
	// case; the address itself is not needed and so not kept.
	EmailDomain Latest[string] `json:"email_domain,omitzero"`
	// Country is the registration country, IDCountry the identity
	// document's (R-F1).
	Country   Latest[string] `json:"country,omitzero"`
	IDCountry Latest[string] `json:"id_country,omitzero"`
	// Verification maps a verification kind (phone, payment, identity …)
	// to its latest status (verified, pending, failed, lapsed).
	Verification map[string]Latest[string] `json:"verification,omitempty"`

	// Lifetime counters, the denominators and numerators of rates.
	OrdersAsBuyer    int `json:"orders_as_buyer,omitempty"`
	RefundsAsBuyer   int `json:"refunds_as_buyer,omitempty"`
	OrdersAsSeller   int `json:"orders_as_seller,omitempty"`
	DisputesAsSeller int `json:"disputes_as_seller,omitempty"`
	DealsCompleted   int `json:"deals_completed,omitempty"`
	ReviewsReceived  int `json:"reviews_received,omitempty"`
	ReviewsPositive  int `json:"reviews_positive,omitempty"`

	// Recent evidence, oldest first.
	PaymentFailures []Evidence `json:"payment_failures,omitempty"`
	Chargebacks     []Evidence `json:"chargebacks,omitempty"`
	Refunds         []Evidence `json:"refunds,omitempty"`
	Disputes        []Evidence `json:"disputes,omitempty"`
	Deals           []Evidence `json:"deals,omitempty"`
	// Cancellations are orders cancelled where the account sold.
	Cancellations []Evidence `json:"cancellations,omitempty"`
	// LateShipments are shipments reported late, or shipped without a
	// tracking number; Ref is the order.
	LateShipments []Evidence `json:"late_shipments,omitempty"`
	// Purchases are orders created or paid as buyer; Ref is the order.
	Purchases []Purchase `json:"purchases,omitempty"`
	// BuyerOrders are orders created as buyer, for velocity; Ref is the
	// order.
	BuyerOrders []Evidence `json:"buyer_orders,omitempty"`
	// Listings are listing upserts, for velocity; Ref is the listing.
	Listings []Evidence `json:"listings,omitempty"`
	// PositiveReviews are reviews received rated 4 or 5, FiveStarReviews
	// those rated 5; Ref is the review.
	PositiveReviews []Evidence `json:"positive_reviews,omitempty"`
	FiveStarReviews []Evidence `json:"five_star_reviews,omitempty"`
	DMCA            []Evidence `json:"dmca,omitempty"`
	Hijacks         []Evidence `json:"hijacks,omitempty"`
	// PrescreenRejections are listings the marketplace's own pre-screen
	// refused; Ref is the listing.
	PrescreenRejections []Evidence `json:"prescreen_rejections,omitempty"`
}

// FirstSeen is when the account came into being: the registration date the
// marketplace sent, else the account's earliest event. Zero when the state
// has seen no event.
func (s *State) FirstSeen() time.Time {
	if s.Registered.Known() {
		return s.Registered.Value
	}
	return s.First.At
}

// Apply folds ev into the state of an account that ev touches in role (see
// Touches). Events that say nothing about the account in that role still
// count as activity (First, Last). It does constant work: each evidence
// list is bounded by MaxEvidence.
func (s *State) Apply(ev event.Event, role Role) {
	e := Evidence{At: ev.OccurredAt.UTC(), EventID: ev.ID}
	s.Version = StateVersion
	if s.First.EventID == "" || compare(e, s.First) < 0 {
		s.First = e
	}
	if s.Last.EventID == "" || compare(s.Last, e) < 0 {
		s.Last = e
		s.prune()
	}
	cutoff := s.Last.At.Add(-Retention)
	add := func(list *[]Evidence, ref string) {
		x := e
		x.Ref = ref
		*list = insert(*list, x, cutoff)
	}
	switch p := ev.Payload.(type) {
	case *event.AccountUpserted:
		if role != RoleAccount {
			return
		}
		if at := p.RegisteredAt; at != nil && !at.IsZero() {
			s.Registered.set(at.UTC(), e)
		}
		if i := strings.LastIndexByte(p.Email, '@'); i >= 0 && i < len(p.Email)-1 {
			s.EmailDomain.set(strings.ToLower(strings.TrimSpace(p.Email[i+1:])), e)
		}
		if p.Country != "" {
			s.Country.set(p.Country, e)
		}
		if p.IDCountry != "" {
			s.IDCountry.set(p.IDCountry, e)
		}
	case *event.VerificationChanged:
		if role != RoleAccount {
			return
		}
		if s.Verification == nil {
			s.Verification = map[string]Latest[string]{}
		}
		l := s.Verification[p.Kind]
		l.set(p.Status, e)
		s.Verification[p.Kind] = l
	case *event.AccountSignal:
		if role != RoleAccount {
			return
		}
		switch ev.Type {
		case "payment.failed":
			add(&s.PaymentFailures, p.OrderID)
		case "chargeback.received":
			add(&s.Chargebacks, p.OrderID)
		case "dmca.accepted":
			add(&s.DMCA, p.ListingID)
		case "hijack.incident":
			add(&s.Hijacks, "")
		}
	case *event.ListingUpserted:
		if role == RoleAccount {
			add(&s.Listings, p.ListingID)
		}
	case *event.ListingRef:
		if role == RoleAccount && ev.Type == "listing.rejected_prescreen" {
			add(&s.PrescreenRejections, p.ListingID)
		}
	case *event.ReviewSubmitted:
		if role != RoleReviewed {
			return
		}
		s.ReviewsReceived++
		if p.Rating >= 4 {
			s.ReviewsPositive++
			add(&s.PositiveReviews, p.ReviewID)
		}
		if p.Rating == 5 {
			add(&s.FiveStarReviews, p.ReviewID)
		}
	case *event.ShipmentLate:
		if role == RoleSeller {
			add(&s.LateShipments, p.OrderID)
		}
	case *event.Order:
		s.applyOrder(ev.Type, p, role, e, cutoff, add)
	}
}

// applyOrder folds an order.<status> event into the buyer's or the
// seller's state.
func (s *State) applyOrder(typ string, p *event.Order, role Role, e Evidence, cutoff time.Time, add func(*[]Evidence, string)) {
	buyer, seller := role == RoleBuyer, role == RoleSeller
	purchase := func() {
		x := Purchase{Evidence: e, Amount: p.Amount.Amount, Currency: p.Amount.Currency}
		x.Ref = p.OrderID
		s.Purchases = insert(s.Purchases, x, cutoff)
	}
	switch {
	case typ == "order.created" && buyer:
		s.OrdersAsBuyer++
		add(&s.BuyerOrders, p.OrderID)
		purchase()
	case typ == "order.created" && seller:
		s.OrdersAsSeller++
	case typ == "order.paid" && buyer:
		purchase()
	case typ == "order.shipped" && seller && strings.TrimSpace(p.TrackingNumber) == "":
		add(&s.LateShipments, p.OrderID)
	case typ == "order.delivered" && (buyer || seller):
		s.DealsCompleted++
		add(&s.Deals, p.OrderID)
	case typ == "order.cancelled" && seller:
		add(&s.Cancellations, p.OrderID)
	case typ == "order.refunded" && buyer:
		s.RefundsAsBuyer++
		add(&s.Refunds, p.OrderID)
	case typ == "order.disputed" && seller:
		s.DisputesAsSeller++
		add(&s.Disputes, p.OrderID)
	}
}

// prune drops evidence older than Retention before the newest event from
// every list. It runs whenever the newest event moves, whichever list the
// event adds to: otherwise a list's content would depend on whether its
// old entries arrived before or after the newer event.
func (s *State) prune() {
	cutoff := s.Last.At.Add(-Retention)
	for _, l := range []*[]Evidence{
		&s.PaymentFailures, &s.Chargebacks, &s.Refunds, &s.Disputes, &s.Deals,
		&s.Cancellations, &s.LateShipments, &s.BuyerOrders, &s.Listings,
		&s.PositiveReviews, &s.FiveStarReviews, &s.DMCA, &s.Hijacks, &s.PrescreenRejections,
	} {
		*l = prune(*l, cutoff)
	}
	s.Purchases = prune(s.Purchases, cutoff)
}

// entry is an evidence-list entry.
type entry interface{ stamp() Evidence }

// compare orders evidence by time, then event id, the canonical order.
func compare(a, b Evidence) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return strings.Compare(a.EventID, b.EventID)
}

// insert adds x to a sorted list unless it is there already or older than
// cutoff, and keeps the MaxEvidence newest.
func insert[T entry](list []T, x T, cutoff time.Time) []T {
	k := x.stamp()
	if k.At.Before(cutoff) {
		return list
	}
	i, found := slices.BinarySearchFunc(list, k, func(y T, k Evidence) int { return compare(y.stamp(), k) })
	if found {
		return list
	}
	list = slices.Insert(list, i, x)
	if n := len(list) - MaxEvidence; n > 0 {
		list = slices.Delete(list, 0, n)
	}
	return list
}

// prune drops entries older than cutoff. An emptied list becomes nil, as
// if it had never held anything.
func prune[T entry](list []T, cutoff time.Time) []T {
	i := 0
	for i < len(list) && list[i].stamp().At.Before(cutoff) {
		i++
	}
	if i == 0 {
		return list
	}
	if i == len(list) {
		return nil
	}
	return slices.Delete(list, 0, i)
}
