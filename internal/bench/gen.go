package bench

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"slices"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/user"
)

// MarketplaceName names the marketplace Generate fills; the benchmarks
// find a generated data set by it.
const MarketplaceName = "Vigil bench"

// MarketplaceSlug is MarketplaceName's slug.
const MarketplaceSlug = "vigil-bench"

// Volume is the data set Generate creates.
type Volume struct {
	Accounts int `json:"accounts"`
	// EventsPerAccount counts each account's events, its account.upserted
	// included: logins, devices, verifications, messages and orders.
	EventsPerAccount int `json:"events_per_account"`
	Listings         int `json:"listings"`
	// Cases are open cases, each with one to six reports.
	Cases int    `json:"cases"`
	Seed  uint64 `json:"seed"`
	// End is when the generated history ends; it starts Days before.
	End  time.Time `json:"end"`
	Days int       `json:"days"`
}

// SmallVolume is the data set `vigil bench all` generates when it is
// given none: enough for every benchmark to mean something, small enough
// to generate in seconds.
func SmallVolume() Volume {
	return Volume{Accounts: 2000, EventsPerAccount: 5, Listings: 20_000, Cases: 20_000, Seed: 1, Days: 60}
}

// Generated counts what Generate stored.
type Generated struct {
	MarketplaceID string        `json:"marketplace_id"`
	Volume        Volume        `json:"volume"`
	Accounts      int           `json:"accounts"`
	Events        int           `json:"events"`
	Listings      int           `json:"listings"`
	Cases         int           `json:"cases"`
	Reports       int           `json:"reports"`
	Refused       int           `json:"reports_refused"`
	Restricted    int           `json:"accounts_restricted"`
	Appeals       int           `json:"appeals"`
	Elapsed       time.Duration `json:"elapsed_ns"`
}

// Rows is how many entities Generate wrote.
func (g Generated) Rows() int { return g.Events + g.Listings + g.Cases + g.Reports }

// caseWindow is how far back the open cases reach: the backlog of a
// month.
const caseWindow = 30 * 24 * time.Hour

// Generate fills a new marketplace named MarketplaceName in the database
// at dsn with v: accounts with their events and listings, arriving
// through the ingestion service in 1,000-event batches as POST /v1/events
// stores them (signal state, identifiers, audit entries included); open
// cases, their reports filed through the cases service's bulk path; and a
// few restricted accounts with appeals through the enforcement and appeal
// services. Everything runs on a simulated clock through the weeks before
// v.End, hour by hour: an hour's reports first, then that hour's events,
// received at its end, so that every report's target exists when it is
// filed and the audit chain runs forward in time. The same v gives the
// same data (ids included). No webhook subscriptions and no photos: a
// listing's images would queue a fetch each.
func Generate(ctx context.Context, dsn string, v Volume, log *slog.Logger, progress io.Writer) (Generated, error) {
	started := time.Now()
	if v.End.IsZero() {
		v.End = time.Now().UTC()
	}
	if v.Days <= 0 {
		v.Days = 60
	}
	v.EventsPerAccount = max(v.EventsPerAccount, 1)
	v.End = v.End.UTC().Truncate(time.Hour)
	if v.Accounts < 2 || v.Listings < 1 {
		return Generated{}, errors.New("generate: at least 2 accounts and 1 listing")
	}
	if time.Duration(v.Days)*24*time.Hour < caseWindow+7*24*time.Hour {
		return Generated{}, fmt.Errorf("generate: --days must be at least %d", int((caseWindow+7*24*time.Hour).Hours()/24))
	}
	g := newGen(v)
	if err := g.plan(); err != nil {
		return Generated{}, err
	}
	clock := &Clock{t: g.start}
	a, err := app.Open(ctx, app.Config{DB: dsn, Version: "bench", Now: clock.Now, NewID: seededIDs(v.Seed, clock.Now)}, log)
	if err != nil {
		return Generated{}, err
	}
	defer a.Close()
	out, err := g.run(ctx, a, clock, progress, func(ctx context.Context, mp string, actor audit.Actor) (filer, error) {
		b, err := a.Cases.NewBulk(ctx, mp, actor)
		if err != nil {
			return nil, err
		}
		b.NewReference = seededReferences(v.Seed)
		return bulkFiler{b}, nil
	})
	out.Volume, out.Elapsed = v, time.Since(started)
	return out, err
}

// gen is a data set being generated: the plan of every entity (who, what
// and when, drawn from the seed), and the counters of what was stored.
type gen struct {
	v          Volume
	start, end time.Time
	// period is how often the marketplace sends its events: each
	// period's events arrive together at its end, after its reports.
	period time.Duration
	w      *writer

	registered []int64 // per account, Unix microseconds, increasing
	seller     []int32 // per listing
	listedAt   []int64
	from       []int32 // the listing it re-posts or copies, -1 for none
	messages   []eventRef
	eventsAt   [][]eventRef // per period
	cases      []target
	reportsAt  [][]reportPlan // per period, in time order
}

// eventRef names account account's nth event (0: account.upserted) or,
// with account -1, listing n.
type eventRef struct {
	account int32
	n       int32
	at      int64
}

// target is a case's target: a listing, message (by its event) or account.
type target struct {
	kind byte // 'l', 'm', 'a'
	idx  int32
	n    int32
}

// reportPlan is one report of case c.
type reportPlan struct {
	at       int64
	c        int32
	reporter int32 // >= 0 a user, -1…-20 trusted flaggers, -100 the internal team
	reason   uint8
	details  int8
}

func newGen(v Volume) *gen {
	end := v.End
	g := &gen{v: v, end: end, start: end.Add(-time.Duration(v.Days) * 24 * time.Hour), w: newWriter()}
	// An hour, or longer for a small set, so that a batch holds about a
	// thousand events: each batch is a transaction, and the disk waits
	// for every commit.
	events := v.Accounts*v.EventsPerAccount + v.Listings
	g.period = time.Duration(min(24, max(1, v.Days*24*1000/max(events, 1)))) * time.Hour
	return g
}

// rng is the random stream of one entity: the same on every run.
func (g *gen) rng(stream, i, n uint64) *mrand.Rand {
	return mrand.New(mrand.NewPCG(splitmix(g.v.Seed^splitmix(stream)), splitmix(i<<20^n)))
}

const (
	streamAccount = iota + 1
	streamEvent
	streamListing
	streamListingText
	streamCase
)

// periods counts the periods from start to end.
func (g *gen) periods() int { return int((g.end.Sub(g.start) + g.period - 1) / g.period) }

// periodOf is the period a time falls in.
func (g *gen) periodOf(us int64) int { return int(time.UnixMicro(us).Sub(g.start) / g.period) }

// uniform is a time drawn uniformly in [lo, hi).
func uniform(r *mrand.Rand, lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + r.Int64N(hi-lo)
}

// plan draws who does what when.
func (g *gen) plan() error {
	v := g.v
	g.eventsAt = make([][]eventRef, g.periods())
	g.reportsAt = make([][]reportPlan, g.periods())
	start, end := g.start.UnixMicro(), g.end.UnixMicro()
	hour := time.Hour.Microseconds()
	// Accounts sign up over the history until three days before its end,
	// in id order.
	g.registered = make([]int64, v.Accounts)
	span := end - 3*24*hour - start
	for i := range v.Accounts {
		r := g.rng(streamAccount, uint64(i), 0)
		at := start + int64((float64(i)+r.Float64())/float64(v.Accounts)*float64(span))
		g.registered[i] = at
		g.eventsAt[g.periodOf(at)] = append(g.eventsAt[g.periodOf(at)], eventRef{int32(i), 0, at})
		for n := 1; n < v.EventsPerAccount; n++ {
			at, er := g.eventAt(i, n)
			ev := eventRef{int32(i), int32(n), at}
			g.eventsAt[g.periodOf(at)] = append(g.eventsAt[g.periodOf(at)], ev)
			if g.eventKind(i, er) == "message.sent" {
				g.messages = append(g.messages, ev)
			}
		}
	}
	// Listings: half from the business accounts (every tenth), a day or
	// more before the end; some re-post an earlier listing of the seller,
	// a few copy another seller's.
	g.seller, g.listedAt, g.from = make([]int32, v.Listings), make([]int64, v.Listings), make([]int32, v.Listings)
	last := make([]int32, v.Accounts)
	for i := range last {
		last[i] = -1
	}
	for j := range v.Listings {
		r := g.rng(streamListing, uint64(j), 0)
		s := r.IntN(v.Accounts)
		if r.IntN(2) == 0 {
			s = r.IntN((v.Accounts+9)/10) * 10
		}
		at := uniform(r, g.registered[s]+hour, end-25*hour)
		g.seller[j], g.listedAt[j], g.from[j] = int32(s), at, -1
		switch n := r.IntN(100); {
		case n < 8 && last[s] >= 0:
			g.from[j] = last[s]
		case n >= 98 && j > 0:
			if k := r.IntN(j); g.seller[k] != int32(s) {
				g.from[j] = int32(k)
			}
		}
		last[s] = int32(j)
		g.eventsAt[g.periodOf(at)] = append(g.eventsAt[g.periodOf(at)], eventRef{-1, int32(j), at})
	}
	return g.planCases()
}

// planCases picks the cases' targets — listings mostly, some accounts and
// messages, each at most once — and their reports: the first at a time
// spread over the last month, more following within hours.
func (g *gen) planCases() error {
	v := g.v
	// Messages sent in the last period arrive too late to be reported.
	last := g.start.Add(time.Duration(g.periods()-1) * g.period).UnixMicro()
	g.messages = slices.DeleteFunc(g.messages, func(m eventRef) bool { return g.periodOf(m.at) >= g.periodOf(last) })
	nMsg := min(len(g.messages), v.Cases*3/100)
	nAcc := min(v.Accounts, v.Cases*5/100)
	nList := min(v.Listings, v.Cases-nMsg-nAcc)
	if short := v.Cases - nList - nMsg - nAcc; short > 0 {
		nAcc = min(v.Accounts, nAcc+short)
	}
	if nList+nMsg+nAcc < v.Cases {
		return fmt.Errorf("generate: %d cases need as many targets; %d listings, %d accounts and %d messages have only %d",
			v.Cases, v.Listings, v.Accounts, len(g.messages), nList+nMsg+nAcc)
	}
	r := g.rng(streamCase, 0, 0)
	pick := func(kind byte, n, of int) {
		for _, idx := range r.Perm(of)[:n] {
			g.cases = append(g.cases, target{kind: kind, idx: int32(idx)})
		}
	}
	pick('l', nList, v.Listings)
	pick('m', nMsg, len(g.messages))
	pick('a', nAcc, v.Accounts)
	end := g.end.UnixMicro()
	hour := time.Hour.Microseconds()
	reporters := max(500, v.Cases/3)

	for c, t := range g.cases {
		cr := g.rng(streamCase, uint64(c)+1, 0)
		var created int64
		switch t.kind {
		case 'l':
			created = g.listedAt[t.idx]
		case 'm':
			created = g.messages[t.idx].at
		default:
			created = g.registered[t.idx]
		}
		// Reported once it has arrived: from the period after its own.
		arrived := g.start.Add(time.Duration(g.periodOf(created)+1) * g.period).UnixMicro()
		at := uniform(cr, max(arrived+time.Minute.Microseconds(), end-caseWindow.Microseconds()), end-time.Minute.Microseconds())
		reasons := reasonsFor(t.kind)
		for k := 0; k < 6 && at < end; k++ {
			p := reportPlan{at: at, c: int32(c), reporter: int32(cr.IntN(reporters)), reason: uint8(weighted(cr, reasons)), details: -1}
			switch n := cr.IntN(100); {
			case n < 4:
				p.reporter = -1 - int32(cr.IntN(20))
			case n < 5:
				p.reporter = -100
			}
			if reasons[p.reason].code == "other" || cr.IntN(3) == 0 {
				p.details = int8(cr.IntN(len(reportDetails())))
			}
			h := g.periodOf(at)
			g.reportsAt[h] = append(g.reportsAt[h], p)
			if cr.IntN(100) >= 30 {
				break
			}
			at += int64(cr.ExpFloat64() * float64(3*hour))
		}
	}
	for _, rs := range g.reportsAt {
		slices.SortFunc(rs, func(a, b reportPlan) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.c, b.c)) })
	}
	return nil
}

// reason is a report reason code and its share.
type reason struct {
	code   string
	weight int
}

// reasonsFor is what people report a kind of target for, with how often.
func reasonsFor(kind byte) []reason {
	switch kind {
	case 'm':
		return []reason{{"harassment", 30}, {"scam_or_fraud", 25}, {"spam_or_misleading", 20}, {"suspicious_contact", 15}, {"offensive_content", 10}}
	case 'a':
		return []reason{{"scam_or_fraud", 40}, {"harassment", 20}, {"suspicious_contact", 20}, {"spam_or_misleading", 15}, {"other", 5}}
	}
	return []reason{{"scam_or_fraud", 15}, {"no_longer_available", 12}, {"wrong_price", 10}, {"misleading_photos", 10},
		{"duplicate_listing", 8}, {"suspicious_contact", 8}, {"spam_or_misleading", 8}, {"owner_not_responding", 6},
		{"counterfeit_or_illegal", 6}, {"hidden_fees", 4}, {"inappropriate_content", 4}, {"offensive_content", 3}, {"other", 3}}
}

func reportDetails() []string {
	return []string{"The seller asked me to pay by bank transfer outside the platform.", "Same photos as another listing.",
		"The item was already sold when I asked.", "Price in the ad is not the price he asks on the phone.",
		"Looks like a fake to me, the logo is wrong.", "Rude messages after I declined the offer.",
		"No answer for two weeks.", "Wants my phone number before saying anything about the item."}
}

func weighted(r *mrand.Rand, rs []reason) int {
	total := 0
	for _, x := range rs {
		total += x.weight
	}
	n := r.IntN(total)
	for i, x := range rs {
		if n < x.weight {
			return i
		}
		n -= x.weight
	}
	return len(rs) - 1
}

// eventAt is when account i's nth event occurs, and the rest of its
// random stream.
func (g *gen) eventAt(i, n int) (int64, *mrand.Rand) {
	r := g.rng(streamEvent, uint64(i), uint64(n))
	hour := time.Hour.Microseconds()
	return uniform(r, g.registered[i]+hour/2, g.end.UnixMicro()-hour), r
}

// eventKind is the type of an account's event whose stream is r (fresh,
// its time already drawn).
func (g *gen) eventKind(account int, r *mrand.Rand) string {
	n := r.IntN(100)
	switch {
	case n < 30:
		return "login"
	case n < 60 && account > 0:
		return "message.sent"
	case n < 75:
		return "verification.changed"
	case n < 85 || account == 0:
		return "device.seen"
	}
	return "order.created"
}

func accountID(i int) string { return fmt.Sprintf("u%07d", i) }

func listingID(j int) string { return fmt.Sprintf("l%07d", j) }

// earlier is an account that signed up before at, other than not.
func (g *gen) earlier(r *mrand.Rand, at int64, not int) int {
	n, _ := slices.BinarySearch(g.registered, at)
	o := r.IntN(max(n, 1))
	if o == not {
		o = (o + 1) % max(n, 2)
	}
	return o
}

func names() ([]string, []string) {
	return []string{"Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Lena", "Max", "Nora", "Paul", "Sofia", "Tim"},
		[]string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "de Vries", "Jansen", "Bakker", "Huber", "Gruber", "Dubois"}
}

// envelope is the event e as the marketplace sends it.
func (g *gen) envelope(e eventRef) (event.Envelope, error) {
	at := time.UnixMicro(e.at).UTC()
	var typ, id string
	var data any
	if e.account < 0 {
		j := int(e.n)
		l := g.listingText(j)
		typ, id = "listing.upserted", fmt.Sprintf("ev-%s", listingID(j))
		data = event.ListingUpserted{ListingID: listingID(j), AccountID: accountID(int(g.seller[j])), Title: l.title, Description: l.description,
			Price: event.Money{Amount: l.price, Currency: "EUR"}, Category: l.category}
	} else {
		i := int(e.account)
		acc := accountID(i)
		id = fmt.Sprintf("ev-%s-%d", acc, e.n)
		ar := g.rng(streamAccount, uint64(i), 0)
		ar.Float64() // the registration time's draw
		ip := fmt.Sprintf("100.%d.%d.%d", 64+i/3/65536%64, i/3/256%256, i/3%256)
		device := fmt.Sprintf("dev-%08x", uint32(splitmix(uint64(i)^g.v.Seed)))
		if e.n == 0 {
			first, last := names()
			kind := "private"
			name := first[ar.IntN(len(first))] + " " + last[ar.IntN(len(last))]
			if i%10 == 0 {
				kind, name = "business", fmt.Sprintf("%s %s GmbH", last[ar.IntN(len(last))], []string{"Handel", "Trading", "Second Hand", "Auto"}[ar.IntN(4)])
			}
			reg := at
			typ = "account.upserted"
			data = event.AccountUpserted{AccountID: acc, Kind: kind, Email: fmt.Sprintf("user%d.%x@mail.example", i, ar.Uint32()%4096),
				Phone: fmt.Sprintf("+49151%08d", i), Country: []string{"DE", "DE", "DE", "NL", "AT", "FR", "BE"}[ar.IntN(7)], IP: ip,
				DeviceID: device, RegisteredAt: &reg, DisplayName: name}
		} else {
			_, r := g.eventAt(i, int(e.n))
			typ = g.eventKind(i, r)
			switch typ {
			case "login":
				data = event.AccountSignal{AccountID: acc, IP: ip, DeviceID: device}
			case "device.seen":
				data = event.AccountSignal{AccountID: acc, DeviceID: fmt.Sprintf("dev-%08x", r.Uint32())}
			case "verification.changed":
				data = event.VerificationChanged{AccountID: acc, Kind: []string{"email", "phone", "identity"}[r.IntN(3)], Status: "verified"}
			case "message.sent":
				to := accountID(g.earlier(r, e.at, i))
				texts := []string{"Hello, is this still available?", "Could I pick it up on Saturday?", "Would you take a little less?",
					"Is shipping possible?", "Hallo, ist das noch zu haben?", "Können Sie mir mehr Fotos schicken?"}
				data = event.MessageSent{MessageID: fmt.Sprintf("m-%s-%d", acc, e.n), ConversationID: fmt.Sprintf("c-%s-%s", acc, to),
					SenderID: acc, RecipientID: to, Text: texts[r.IntN(len(texts))]}
			default:
				data = event.Order{OrderID: fmt.Sprintf("o-%s-%d", acc, e.n), BuyerID: acc, SellerID: accountID(g.earlier(r, e.at, i)),
					Amount: event.Money{Amount: int64(1000 + r.IntN(50000)), Currency: "EUR"}}
			}
		}
	}
	b, err := json.Marshal(data)
	return event.Envelope{ID: id, Type: typ, OccurredAt: at, Data: b}, err
}

// listingText is listing j's text: its own, or an edit of the listing it
// re-posts or copies.
func (g *gen) listingText(j int) listingText {
	r := g.rng(streamListingText, uint64(j), 0)
	if k := g.from[j]; k >= 0 {
		return editListing(r, g.listingText(int(k)))
	}
	return g.w.listing(r)
}

// report is plan p as the marketplace files it.
func (g *gen) report(p reportPlan) cases.ReportRequest {
	t := g.cases[p.c]
	req := cases.ReportRequest{Reason: reasonsFor(t.kind)[p.reason].code, Reporter: cases.ReporterRef{ID: fmt.Sprintf("r%06d", p.reporter), Type: "user"}}
	switch {
	case p.reporter == -100:
		req.Reporter = cases.ReporterRef{ID: "trust-team", Type: "internal"}
	case p.reporter < 0:
		req.Reporter = cases.ReporterRef{ID: fmt.Sprintf("flagger-%02d", -p.reporter), Type: "trusted_flagger"}
	}
	if p.details >= 0 {
		req.Details = reportDetails()[p.details]
	}
	switch t.kind {
	case 'l':
		req.Target = cases.Target{Type: "listing", ID: listingID(int(t.idx))}
	case 'm':
		m := g.messages[t.idx]
		req.Target = cases.Target{Type: "message", ID: fmt.Sprintf("m-%s-%d", accountID(int(m.account)), m.n)}
	default:
		req.Target = cases.Target{Type: "account", ID: accountID(int(t.idx))}
	}
	return req
}

// filer files the generated reports: the cases service's bulk path, or
// (to test that path) File one by one.
type filer interface {
	// Prescan is told the reports about to be filed.
	Prescan(ctx context.Context, reqs []cases.ReportRequest) error
	File(ctx context.Context, req cases.ReportRequest, at time.Time) error
	Flush(ctx context.Context) error
}

type bulkFiler struct{ *cases.Bulk }

func (b bulkFiler) File(ctx context.Context, req cases.ReportRequest, at time.Time) error {
	_, err := b.Bulk.File(ctx, req, at)
	return err
}

// run stores the plan period by period, filing reports with the filer
// newFiler makes for the marketplace.
func (g *gen) run(ctx context.Context, a *app.App, clock *Clock, progress io.Writer,
	newFiler func(ctx context.Context, marketplaceID string, actor audit.Actor) (filer, error)) (Generated, error) {
	var out Generated
	if _, err := a.DB.MarketplaceBySlug(ctx, MarketplaceSlug); err == nil {
		return out, fmt.Errorf("generate: the database already holds a generated marketplace %q", MarketplaceName)
	} else if !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	sys := audit.Actor{Type: audit.ActorSystem, ID: "bench-generate"}
	mp, err := a.Tenants.CreateMarketplace(ctx, sys, MarketplaceName)
	if err != nil {
		return out, err
	}
	out.MarketplaceID = mp.Marketplace.ID
	// Events and reports arrive as the marketplace's backend sends them:
	// with its API key.
	actor := audit.Actor{Type: audit.ActorAPIKey, ID: mp.Key.ID}
	bulk, err := newFiler(ctx, out.MarketplaceID, actor)
	if err != nil {
		return out, err
	}
	p := newGenProgress(progress, g.v)
	enforceAt := g.periodOf(g.end.Add(-48 * time.Hour).UnixMicro())
	batch := make([]event.Envelope, 0, event.MaxBatch)
	opened := make([]bool, len(g.cases))
	for h := range g.periods() {
		if h == enforceAt {
			clock.Set(g.start.Add(time.Duration(h) * g.period))
			if err := g.enforce(ctx, a, clock, out.MarketplaceID, &out); err != nil {
				return out, err
			}
		}
		reqs := make([]cases.ReportRequest, len(g.reportsAt[h]))
		for i, rp := range g.reportsAt[h] {
			reqs[i] = g.report(rp)
		}
		if err := bulk.Prescan(ctx, reqs); err != nil {
			return out, err
		}
		for i, rp := range g.reportsAt[h] {
			at := time.UnixMicro(rp.at).UTC()
			clock.Set(at)
			err := bulk.File(ctx, reqs[i], at)
			var limited cases.RateLimited
			switch {
			case errors.As(err, &limited):
				out.Refused++
				continue
			case err != nil:
				return out, fmt.Errorf("report on %s: %w", reqs[i].Target.ID, err)
			}
			out.Reports++
			if !opened[rp.c] {
				opened[rp.c] = true
				out.Cases++
			}
		}
		if err := bulk.Flush(ctx); err != nil {
			return out, fmt.Errorf("store reports: %w", err)
		}
		if t := g.start.Add(time.Duration(h+1) * g.period); t.Before(g.end) {
			clock.Set(t)
		} else {
			clock.Set(g.end)
		}
		for i, e := range g.eventsAt[h] {
			env, err := g.envelope(e)
			if err != nil {
				return out, err
			}
			batch = append(batch, env)
			if e.account < 0 {
				out.Listings++
			} else if e.n == 0 {
				out.Accounts++
			}
			if len(batch) == event.MaxBatch || i == len(g.eventsAt[h])-1 {
				res, err := a.Ingest.Ingest(ctx, out.MarketplaceID, actor, batch, false)
				if err != nil {
					return out, fmt.Errorf("ingest: %w", err)
				}
				if len(res.Errors) > 0 || res.Accepted != len(batch) {
					return out, fmt.Errorf("ingest: %d of %d accepted, %d duplicates, errors %+v", res.Accepted, len(batch), res.Duplicates, res.Errors[:min(3, len(res.Errors))])
				}
				out.Events += res.Accepted
				batch = batch[:0]
			}
		}
		p.show(out, false)
	}
	p.show(out, true)
	// What PostgreSQL's autovacuum would do after such a load, and what an
	// operator would for SQLite.
	if err := a.DB.Analyze(ctx); err != nil {
		return out, err
	}
	return out, nil
}

// enforce restricts one account in a thousand, as a senior moderator
// would on its reports, and files an appeal for every other one.
func (g *gen) enforce(ctx context.Context, a *app.App, clock *Clock, marketplaceID string, out *Generated) error {
	var pw [16]byte
	rand.Read(pw[:])
	u, err := a.Users.Create(ctx, audit.Actor{Type: audit.ActorSystem, ID: "bench-generate"}, "bench-senior-"+marketplaceID[len(marketplaceID)-6:],
		hex.EncodeToString(pw[:]), user.SeniorModerator, marketplaceID)
	if err != nil {
		return err
	}
	by := enforce.Person(u, audit.Actor{Type: audit.ActorSystem, ID: "console"})
	n := max(2, g.v.Accounts/1000)
	step := g.v.Accounts / n
	for k := range n {
		acc := accountID(k*step + 1)
		clock.Set(clock.Now().Add(time.Minute))
		tpl := []string{"counterfeit", "scam", "fulfilment"}[k%3]
		if _, err := a.Enforce.SetTier(ctx, marketplaceID, by, acc, enforce.Restricted, enforce.Decision{Template: tpl, Source: enforce.SourceReport,
			Notifier: "user"}); err != nil {
			return fmt.Errorf("restrict %s: %w", acc, err)
		}
		out.Restricted++
		if k%2 == 1 {
			continue
		}
		clock.Set(clock.Now().Add(time.Minute))
		if _, err := a.Appeals.File(ctx, marketplaceID, audit.Actor{Type: audit.ActorAPIKey, ID: "bench"}, appeal.Filing{AccountID: acc,
			RootCause:          "I did not know the supplier's goods were not genuine; I trusted the invoices they sent.",
			CorrectiveAction:   "I removed every listing from that supplier and refunded the buyers who asked.",
			PreventiveMeasures: "I will only sell goods with a receipt from an authorised dealer from now on."}, ""); err != nil {
			return fmt.Errorf("appeal of %s: %w", acc, err)
		}
		out.Appeals++
	}
	return nil
}

// genProgress prints the generator's progress at most once a second.
type genProgress struct {
	w     io.Writer
	v     Volume
	start time.Time
	last  time.Time
}

func newGenProgress(w io.Writer, v Volume) *genProgress {
	return &genProgress{w: w, v: v, start: time.Now()}
}

func (p *genProgress) show(g Generated, done bool) {
	if p.w == nil || (!done && time.Since(p.last) < time.Second) {
		return
	}
	p.last = time.Now()
	el := time.Since(p.start)
	pct := 100 * float64(g.Listings+g.Accounts+g.Reports) / math.Max(1, float64(p.v.Listings+p.v.Accounts+p.v.Cases))
	fmt.Fprintf(p.w, "\rgenerate %5.1f%%  accounts %d/%d  events %d  listings %d/%d  cases %d/%d  reports %d  %.0f rows/s  %s ",
		min(pct, 100), g.Accounts, p.v.Accounts, g.Events, g.Listings, p.v.Listings, g.Cases, p.v.Cases, g.Reports,
		float64(g.Rows())/el.Seconds(), el.Round(time.Second))
	if done {
		fmt.Fprintln(p.w)
	}
}
