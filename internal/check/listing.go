package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jonreiter/govader"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/detect/near"
	"github.com/vigil-ts/vigil/internal/detect/price"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/jobs"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// ErrInvalid wraps a check request whose data is not valid; the
// *event.FieldError in the chain names the field.
var ErrInvalid = errors.New("invalid check request")

// TextScanner finds contact details, links, scam scripts and prohibited
// words in one field of text.
type TextScanner interface {
	Scan(text, field string) []detect.Finding
}

// Notifier queues a webhook inside a transaction (the outbox).
type Notifier interface {
	Notify(ctx context.Context, tx *store.Tx, marketplaceID, eventType string, data any) (int, error)
}

// Send queues a webhook through n, which may be nil (a service built
// without an outbox, in tests and one-off commands): then nothing is sent.
func Send(ctx context.Context, n Notifier, tx *store.Tx, marketplaceID, eventType string, data any) error {
	if n == nil {
		return nil
	}
	_, err := n.Notify(ctx, tx, marketplaceID, eventType, data)
	return err
}

// TakedownEvent is the webhook type sent at once for a phishing link (R-L5, R-R3).
const TakedownEvent = "link.takedown"

// Holder puts what a decision holds in front of a person: the cases
// service opens or joins the target's case inside the decision's
// transaction (R-R8), so a held item is never stored without its case.
type Holder interface {
	Hold(ctx context.Context, tx *store.Tx, h Hold) error
}

// Restrictions issues the statement of reasons of a decision that
// restricts an item of content, inside the decision's transaction (R-C2).
type Restrictions interface {
	ContentRestricted(ctx context.Context, tx *store.Tx, r Restriction) error
}

// Restriction is a decision that restricts one item of content: a check's
// outcome or a moderator's closing action on a case.
type Restriction struct {
	MarketplaceID string
	// SubjectType and SubjectID name the content: a listing, message or
	// review; AccountID is who provided it.
	SubjectType, SubjectID, AccountID string
	// Policy is the policy the decision was taken under (its category's):
	// its DSA mapping says whether the restriction gets a statement.
	Policy *policy.Policy
	// What is the check's outcome (rejected, changes_requested, block,
	// mask, reject) or what the moderator did (rejected, paused,
	// changes_requested, removed). Together with SubjectType it is the key
	// of the policy's DSA mapping.
	What string
	// Ground is the enforcement ground cited, Clause the specific rule
	// (a verdict's clause); an empty ground cites "other".
	Ground, Clause string
	// Facts are the facts and circumstances the decision rests on.
	Facts string
	// Source is what found the problem: detector, rule, report,
	// moderator; Notifier the reporter type of a report.
	Source, Notifier string
	// Human marks a decision a person took; Actor is who, or what,
	// decided.
	Human bool
	Actor audit.Actor
	// RefType and RefID name what can be appealed: "decision" or "case".
	RefType, RefID string
	At             time.Time
}

// Hold is something an automated decision holds for review.
type Hold struct {
	MarketplaceID string
	DecisionID    string
	TargetType    string
	TargetID      string
	AccountID     string
	// Source is detector, rule or risk.
	Source string
	// Severity is the decision's highest severity.
	Severity string
	// Codes are the finding codes (and "rule:NAME" for rules) behind it.
	Codes  []string
	Reason string
	At     time.Time
}

// Service makes the synchronous decisions.
type Service struct {
	svc.Deps
	Policies *Policies
	Outbox   Notifier
	// Holder opens the case of what a decision holds; required for
	// decisions that need review.
	Holder Holder
	// Queue queues image hashing jobs (set once the job client exists).
	Queue jobs.Inserter
	// Fetch downloads images to hash: an SSRF-guarded client.
	Fetch *http.Client
	text  *texts
	ix    *indexes
	// sentiment scores review texts for the rating mismatch rule. Its
	// lexicon is read-only after construction, so it is shared.
	sentiment *govader.SentimentIntensityAnalyzer
	// Listings moves listings through their lifecycle, with history.
	Listings *listing.Service
	// Statements issues the statements of reasons of restricting
	// decisions; nil issues none.
	Statements Restrictions
}

// reasonsText and firstClause summarise a decision's reasons for the
// listing's history: which findings moved it, and the clause of the one
// that decided.
func reasonsText(rs []policy.Reason) string {
	var parts []string
	for _, r := range rs {
		switch {
		case r.Finding != nil:
			parts = append(parts, r.Finding.Code)
		case r.Rule != "":
			parts = append(parts, "rule:"+r.Rule)
		}
	}
	return strings.Join(parts, ", ")
}

func firstClause(rs []policy.Reason) string {
	for _, r := range rs {
		if r.Key != "" || r.Rule != "" {
			return r.Clause
		}
	}
	return ""
}

// New returns a Service. text builds the text detectors for a policy; nil
// runs the checks without them.
func New(d svc.Deps, p *Policies, text TextFactory, outbox Notifier) *Service {
	return &Service{Deps: d, Policies: p, Outbox: outbox, text: &texts{factory: text, byMP: map[string]*textSet{}}, ix: newIndexes(d.DB),
		sentiment: govader.NewSentimentIntensityAnalyzer(), Listings: listing.New(d, p, outbox)}
}

// scan runs the text detectors of the policy in force over fields, given
// as field name and text pairs.
func (s *Service) scan(marketplaceID string, eff Effective, category string, fields ...string) ([]detect.Finding, *configured, error) {
	c, err := s.text.get(marketplaceID, eff, category)
	if err != nil || c.scanner == nil {
		return nil, c, err
	}
	var out []detect.Finding
	for i := 0; i+1 < len(fields); i += 2 {
		out = append(out, c.scanner.Scan(fields[i+1], fields[i])...)
	}
	return out, c, nil
}

// Decided is a decision as the API returns it.
type Decided struct {
	DecisionID    string           `json:"decision_id"`
	Outcome       string           `json:"outcome"`
	Status        string           `json:"status,omitempty" doc:"The listing's status after this decision."`
	Findings      []detect.Finding `json:"findings"`
	FieldsChange  []string         `json:"fields_to_change,omitempty" doc:"Fields the seller must change (changes_requested)."`
	MaskedText    string           `json:"masked_text,omitempty" doc:"The message with contact details hidden, when the outcome is mask."`
	Reasons       []policy.Reason  `json:"reasons" doc:"Each finding or rule that shaped the outcome, with the policy clause it cites."`
	RuleHits      []policy.RuleHit `json:"rule_hits" doc:"Custom rules that fired; shadow rules are recorded here and never acted on."`
	PolicyVersion int64            `json:"policy_version"`
	Replayed      bool             `json:"replayed,omitempty" doc:"This is the stored decision of an earlier request with the same Idempotency-Key."`
	CreatedAt     time.Time        `json:"created_at"`
}

// Listing decides whether a listing may go live (R-L1–R-L6). data is the
// listing.upserted payload. The listing is stored with its new status, the
// decision with its evidence, a review item when a person must look, and
// the takedown webhook when a phishing link was found — in one transaction.
func (s *Service) Listing(ctx context.Context, marketplaceID string, actor audit.Actor, data json.RawMessage, idempotencyKey string) (Decided, error) {
	if r, ok, err := s.replay(ctx, marketplaceID, idempotencyKey); ok || err != nil {
		return r, err
	}
	now := s.Now()
	ev, err := event.Parse(event.Envelope{ID: "check", Type: "listing.upserted", OccurredAt: now, Data: data}, now)
	if err != nil {
		return Decided{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	l := ev.Payload.(*event.ListingUpserted)
	eff, err := s.Policies.Get(ctx, marketplaceID)
	if err != nil {
		return Decided{}, err
	}
	pol := eff.Compiled.Policy(l.Category)
	m, err := s.ix.market(ctx, marketplaceID)
	if err != nil {
		return Decided{}, err
	}
	facts, err := s.DB.AccountFacts(ctx, marketplaceID, l.AccountID)
	if err != nil {
		return Decided{}, err
	}
	stats, _ := s.ix.prices.Snapshot(price.Key(marketplaceID, l.Category, l.Price.Currency))

	var findings []detect.Finding
	findings = append(findings, requiredFields(pol, l)...)
	if slices.Contains(pol.Listing.ProhibitedCategories, l.Category) {
		findings = append(findings, detect.Finding{Code: "category.prohibited", Field: "category", Value: l.Category,
			Detail: "This category is not allowed on the marketplace."})
	}
	textFindings, det, err := s.scan(marketplaceID, eff, l.Category, "title", l.Title, "description", l.Description)
	if err != nil {
		return Decided{}, err
	}
	findings = append(findings, textFindings...)
	findings = append(findings, price.Check(stats, l.Price.Amount, price.Params{MinSamples: pol.Listing.Price.MinSamples,
		HighMADs: pol.Listing.Price.HighMADs, LowMADs: pol.Listing.Price.LowMADs,
		BelowMarketFraction: pol.Listing.Price.BelowMarket, MADFloor: pol.Listing.Price.MADFloor})...)
	findings = append(findings, counterfeit(det.brands, l)...)
	findings = append(findings, duplicates(pol, m, l)...)
	known, err := s.knownImages(ctx, marketplaceID, l)
	if err != nil {
		return Decided{}, err
	}
	findings = append(findings, imageDuplicates(pol, m, l.ListingID, l.AccountID, known)...)
	findings = append(findings, standing(facts.Tier)...)
	if pol.Listing.RequireContactVerified {
		findings = append(findings, contactUnverified(facts.Verified)...)
	}
	if pol.Listing.ManualReview {
		findings = append(findings, detect.Finding{Code: policy.ManualReviewCode, Detail: "The policy requires a person to review listings in this category before they go live."})
	}

	ctxVars := map[string]any{"category_samples": int64(stats.N)}
	if stats.N > 0 {
		// Without statistics, rules over them must not fire (R-P1).
		ctxVars["category_median_price"], ctxVars["category_mad"] = int64(stats.Median), int64(stats.MAD)
	}
	var added []store.ListingImage
	var removed []string
	res, err := s.finish(ctx, run{
		marketplaceID: marketplaceID, actor: actor, idempotencyKey: idempotencyKey, ev: ev, eff: eff, check: policy.CheckListing,
		category: l.Category, accountID: l.AccountID, findings: findings,
		vars: map[string]any{"listing": listingVars(l), "account": accountVars(l.AccountID, facts, now), "context": ctxVars},
		apply: func(tx *store.Tx, d *Decided, _ policy.Decision) error {
			d.Status = d.Outcome
			if _, err := s.Listings.Apply(ctx, tx, marketplaceID, l.ListingID, listing.Move{To: d.Status, Actor: listing.ActorCheck,
				Reason: reasonsText(d.Reasons), Clause: firstClause(d.Reasons), Fields: d.FieldsChange, Ref: d.DecisionID}); err != nil {
				return err
			}
			added, removed, err = s.registerImages(ctx, tx, marketplaceID, l)
			return err
		},
	})
	if err != nil || res.Replayed {
		return res, err
	}
	s.ix.add(marketplaceID, m, store.ListingText{ID: l.ListingID, AccountID: l.AccountID, Title: l.Title,
		Description: l.Description, Category: l.Category, Currency: l.Price.Currency, Price: l.Price.Amount})
	indexImages(m, l.ListingID, l.AccountID, added, removed)
	return res, nil
}

// run is one check's inputs to the shared decide-and-store steps.
type run struct {
	marketplaceID  string
	actor          audit.Actor
	idempotencyKey string
	ev             event.Event
	eff            Effective
	check          policy.Check
	category       string
	accountID      string
	findings       []detect.Finding
	vars           map[string]any
	// apply makes the check's own state change inside the transaction and
	// may complete the result (a listing's status, a message's masked text).
	apply func(tx *store.Tx, d *Decided, dec policy.Decision) error
}

// finish evaluates the custom rules, maps findings and hits to the outcome,
// and stores the entity, the decision, its review item, webhook and audit
// entry in one transaction.
func (s *Service) finish(ctx context.Context, r run) (Decided, error) {
	r.vars["findings"] = policy.FindingVars(r.findings)
	hits := r.eff.Compiled.Evaluate(r.check, r.category, r.vars)
	dec := r.eff.Compiled.Outcome(r.check, r.category, r.findings, hits)
	res := Decided{DecisionID: s.NewID(), Outcome: dec.Outcome, Findings: nonNilFindings(r.findings), FieldsChange: dec.Fields,
		Reasons: dec.Reasons, RuleHits: nonNilHits(hits), PolicyVersion: r.eff.Version, CreatedAt: s.Now()}
	pol := r.eff.Compiled.Policy(r.category)
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ApplyEvent(ctx, r.marketplaceID, r.ev); err != nil {
			return err
		}
		if r.apply != nil {
			if err := r.apply(tx, &res, dec); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, r.marketplaceID, r.actor, store.Decision{Kind: string(r.check), SubjectType: r.ev.Subject.Type,
			SubjectID: r.ev.Subject.ID, AccountID: r.accountID, Category: r.category, IdempotencyKey: r.idempotencyKey}, r.ev.Data, res, dec, pol)
	})
	if errors.Is(err, store.ErrConflict) && r.idempotencyKey != "" {
		// A concurrent request with the same key won the race: answer
		// with its decision.
		d, _, rerr := s.replay(ctx, r.marketplaceID, r.idempotencyKey)
		return d, rerr
	}
	if err != nil {
		return Decided{}, err
	}
	return res, nil
}

// record stores the decision, its review item and audit entry, and queues
// the takedown webhook for phishing, inside tx.
func (s *Service) record(ctx context.Context, tx *store.Tx, marketplaceID string, actor audit.Actor, d store.Decision, input []byte, res Decided, dec policy.Decision, pol *policy.Policy) error {
	var err error
	d.ID, d.MarketplaceID, d.Outcome, d.PolicyVersion, d.CreatedAt, d.Input = res.DecisionID, marketplaceID, res.Outcome, res.PolicyVersion, res.CreatedAt, input
	d.MaskedText = res.MaskedText
	if d.Findings, err = json.Marshal(res.Findings); err != nil {
		return err
	}
	if d.RuleHits, err = json.Marshal(res.RuleHits); err != nil {
		return err
	}
	if d.Reasons, err = json.Marshal(res.Reasons); err != nil {
		return err
	}
	if err := tx.CreateDecision(ctx, d); err != nil {
		return err
	}
	if dec.NeedsReview() {
		if s.Holder == nil {
			return errors.New("check: a decision needs review but no case holder is configured")
		}
		codes, source := reviewCodes(dec)
		if err := s.Holder.Hold(ctx, tx, Hold{MarketplaceID: marketplaceID, DecisionID: d.ID, TargetType: d.SubjectType, TargetID: d.SubjectID,
			AccountID: d.AccountID, Source: source, Severity: dec.Severity, Codes: codes, Reason: strings.Join(codes, ", "), At: res.CreatedAt}); err != nil {
			return err
		}
	}
	if s.Statements != nil {
		if r, ok := restriction(marketplaceID, actor, d, dec, res); ok {
			r.Policy = pol
			if err := s.Statements.ContentRestricted(ctx, tx, r); err != nil {
				return err
			}
		}
	}
	if pol.Links.TakedownWebhook && s.Outbox != nil {
		for _, f := range res.Findings {
			if f.Code != "link.phishing" {
				continue
			}
			if _, err := s.Outbox.Notify(ctx, tx, marketplaceID, TakedownEvent, map[string]any{"url": f.Value, "match": f.Match,
				"subject_type": d.SubjectType, "subject_id": d.SubjectID, "decision_id": d.ID, "detail": f.Detail}); err != nil {
				return err
			}
		}
	}
	return tx.Audit(ctx, marketplaceID, actor, d.Kind+".checked", d.SubjectType, d.SubjectID,
		map[string]any{"decision_id": d.ID, "outcome": d.Outcome, "findings": len(res.Findings), "policy_version": d.PolicyVersion}, res.CreatedAt)
}

// restriction is a decision as the statement of reasons sees it: the
// reason that decided the outcome names its clause and ground. A decision
// that only applies the account's standing (a restricted seller's new
// listing, a suspended account's message) is not one: the standing's own
// statement explains it.
func restriction(marketplaceID string, actor audit.Actor, d store.Decision, dec policy.Decision, res Decided) (Restriction, bool) {
	r := Restriction{MarketplaceID: marketplaceID, Actor: actor, SubjectType: d.SubjectType, SubjectID: d.SubjectID, AccountID: d.AccountID,
		What: res.Outcome, Source: "detector", RefType: "decision", RefID: d.ID, At: res.CreatedAt}
	var facts []string
	for _, rs := range dec.Reasons {
		if rs.Outcome != dec.Outcome {
			continue
		}
		if r.Clause == "" {
			if rs.Finding != nil && strings.HasPrefix(rs.Finding.Code, "account.") {
				return Restriction{}, false
			}
			r.Clause, r.Ground = rs.Clause, rs.Ground
			if rs.Rule != "" {
				r.Source = "rule"
			}
		}
		facts = append(facts, rs.Clause)
	}
	r.Facts = strings.Join(slices.Compact(facts), "; ") + "."
	return r, true
}

// replay returns the stored decision for a retried request.
func (s *Service) replay(ctx context.Context, marketplaceID, key string) (Decided, bool, error) {
	if key == "" {
		return Decided{}, false, nil
	}
	d, err := s.DB.DecisionByIdempotencyKey(ctx, marketplaceID, key)
	if errors.Is(err, store.ErrNotFound) {
		return Decided{}, false, nil
	}
	if err != nil {
		return Decided{}, false, err
	}
	r, err := ResultOf(d)
	r.Replayed = true
	return r, true, err
}

// ResultOf rebuilds the API result of a stored decision.
func ResultOf(d store.Decision) (Decided, error) {
	r := Decided{DecisionID: d.ID, Outcome: d.Outcome, PolicyVersion: d.PolicyVersion, CreatedAt: d.CreatedAt, MaskedText: d.MaskedText}
	if d.Kind == string(policy.CheckListing) {
		r.Status = d.Outcome
	}
	var reasons []policy.Reason
	err := errors.Join(json.Unmarshal(d.Findings, &r.Findings), json.Unmarshal(d.RuleHits, &r.RuleHits), json.Unmarshal(d.Reasons, &reasons))
	r.Reasons = reasons
	for _, re := range reasons {
		if re.Outcome == policy.ChangesRequested && re.Finding != nil && re.Finding.Field != "" && !slices.Contains(r.FieldsChange, re.Finding.Field) {
			r.FieldsChange = append(r.FieldsChange, re.Finding.Field)
		}
	}
	return r, err
}

func reviewCodes(dec policy.Decision) (codes []string, source string) {
	source = "detector"
	for _, r := range dec.Reasons {
		if r.Finding != nil {
			codes = append(codes, r.Finding.Code)
		} else if r.Rule != "" {
			codes, source = append(codes, "rule:"+r.Rule), "rule"
		}
	}
	return slices.Compact(codes), source
}

// ScanText runs the text detectors of the policy eff over fields, given
// as field name and text pairs: contact details, links and phishing, scam
// scripts, prohibited words. The cases service uses it on reported content
// (R-R3), with the policy it already read.
func (s *Service) ScanText(marketplaceID string, eff Effective, category string, fields ...string) ([]detect.Finding, error) {
	f, _, err := s.scan(marketplaceID, eff, category, fields...)
	return f, err
}

// requiredFields reports what the category requires and the listing lacks (R-L1).
func requiredFields(pol *policy.Policy, l *event.ListingUpserted) []detect.Finding {
	var out []detect.Finding
	missing := func(field, detail string) {
		out = append(out, detect.Finding{Code: "required." + field, Field: field, Detail: detail})
	}
	for _, f := range pol.Listing.RequiredFields {
		switch f {
		case "title":
			if strings.TrimSpace(l.Title) == "" {
				missing(f, "A title is required.")
			}
		case "description":
			if strings.TrimSpace(l.Description) == "" {
				missing(f, "A description is required.")
			}
		case "price":
			if l.Price.Amount <= 0 {
				missing(f, "A price is required.")
			}
		case "category":
			if l.Category == "" {
				missing(f, "A category is required.")
			}
		case "images":
			// min_images below says how many.
		default:
			if _, ok := l.Attributes[f]; !ok {
				missing(f, fmt.Sprintf("The attribute %q is required.", f))
			}
		}
	}
	if n := pol.Listing.MinImages; len(l.Images) < n {
		out = append(out, detect.Finding{Code: "required.images", Field: "images", Value: fmt.Sprint(len(l.Images)),
			Threshold: fmt.Sprint(n), Detail: fmt.Sprintf("At least %d image(s) are required.", n)})
	}
	for _, a := range pol.Listing.RequiredAttributes[l.Category] {
		if v, ok := l.Attributes[a]; !ok || v == nil || v == "" {
			out = append(out, detect.Finding{Code: "required." + a, Field: "attributes." + a,
				Detail: fmt.Sprintf("Listings in %s must state %s.", l.Category, strings.ReplaceAll(a, "_", " "))})
		}
	}
	return out
}

// counterfeit flags a protected brand at an implausible price (R-L3).
func counterfeit(b *price.Brands, l *event.ListingUpserted) []detect.Finding {
	out := price.Counterfeit("title", b.Find(l.Title), l.Price.Amount)
	if len(out) == 0 {
		out = price.Counterfeit("description", b.Find(l.Description), l.Price.Amount)
	}
	return out
}

// duplicates finds the seller's own near-identical titles and descriptions
// copied from other sellers (R-L4).
func duplicates(pol *policy.Policy, m *marketIndex, l *event.ListingUpserted) []detect.Finding {
	var out []detect.Finding
	dup := func(code, field string, matches []near.Match, threshold float64, detail string) {
		if len(matches) == 0 {
			return
		}
		f := detect.Finding{Code: code, Field: field, Value: fmt.Sprintf("%.2f", matches[0].Similarity),
			Threshold: fmt.Sprintf("%.2f", threshold), Detail: detail}
		for _, mt := range matches {
			f.Refs = append(f.Refs, mt.ID)
		}
		out = append(out, f)
	}
	t := pol.Listing.Duplicates.TitleSimilarity
	dup("duplicate.title", "title", m.titles.Query(l.Title, near.QueryOpts{MinSimilarity: t, SameGroup: l.AccountID, ExcludeID: l.ListingID, Limit: 5}),
		t, "The seller already has a listing with a nearly identical title.")
	if l.Description != "" {
		d := pol.Listing.Duplicates.DescriptionSimilarity
		dup("duplicate.description", "description", m.descs.Query(l.Description, near.QueryOpts{MinSimilarity: d, ExcludeGroup: l.AccountID, ExcludeID: l.ListingID, Limit: 5}),
			d, "The description copies another seller's listing.")
	}
	return out
}

func listingVars(l *event.ListingUpserted) map[string]any {
	images := make([]any, len(l.Images))
	for i, im := range l.Images {
		images[i] = im.URL
	}
	v := map[string]any{"id": l.ListingID, "account_id": l.AccountID, "title": l.Title, "description": l.Description,
		"price": l.Price.Amount, "currency": l.Price.Currency, "category": l.Category, "images": images,
		"attributes": map[string]any{}}
	if l.Attributes != nil {
		v["attributes"] = l.Attributes
	}
	if loc := l.Location; loc != nil {
		// Never the street (R-L9).
		v["location"] = map[string]any{"postcode": loc.Postcode, "city": loc.City, "country": loc.Country}
	}
	return v
}

// accountVars exposes what is known of the acting account; unknown facts
// are left out so that rules about them do not fire (R-P1).
func accountVars(id string, f store.AccountFacts, now time.Time) map[string]any {
	v := map[string]any{"id": id}
	if !f.Found {
		return v
	}
	verified := make([]any, len(f.Verified))
	for i, k := range f.Verified {
		verified[i] = k
	}
	v["kind"], v["country"], v["verified"], v["tier"] = f.Kind, f.Country, verified, f.Tier
	v["age_days"] = int64(now.Sub(f.RegisteredAt).Hours() / 24)
	v["listings_count"], v["orders_count"], v["reviews_count"] = f.ListingsCount, f.OrdersCount, f.ReviewsCount
	return v
}

// standing is what the seller's tier means for a new listing (R-E1): a
// flagged account's listings are screened more strictly; an account
// restricted or above may not list. The marketplace asks the
// capabilities first; this keeps a listing from slipping through.
func standing(tier string) []detect.Finding {
	switch tier {
	case "flagged":
		return []detect.Finding{{Code: "account.flagged", Field: "account_id", Value: tier,
			Detail: "The seller's account is under closer review: its new listings are screened more strictly."}}
	case "restricted", "suspended", "blocked":
		return []detect.Finding{{Code: "account.restricted", Field: "account_id", Value: tier,
			Detail: "The seller's account is " + tier + " and may not create listings."}}
	}
	return nil
}

// contactUnverified is the finding of a seller whose email or phone is not
// verified, where the policy requires both before publishing (R-L7).
func contactUnverified(verified []string) []detect.Finding {
	var missing []string
	for _, k := range []string{"email", "phone"} {
		if !slices.Contains(verified, k) {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []detect.Finding{{Code: "seller.contact_unverified", Field: "contact_verification", Value: strings.Join(missing, ","),
		Detail: "The seller must verify their " + strings.Join(missing, " and ") + " before the listing can go live."}}
}

func nonNilFindings(f []detect.Finding) []detect.Finding {
	if f == nil {
		return []detect.Finding{}
	}
	return f
}

func nonNilHits(h []policy.RuleHit) []policy.RuleHit {
	if h == nil {
		return []policy.RuleHit{}
	}
	return h
}

// Func is the shape of the service's decisions (Listing, Message, Review),
// for callers that pick one by kind.
type Func func(ctx context.Context, marketplaceID string, actor audit.Actor, data json.RawMessage, idempotencyKey string) (Decided, error)
