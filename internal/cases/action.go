package cases

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// Moderator is the person acting on a case and the credential they act
// through: their console session, or the API key of the marketplace's own
// moderation tooling acting for them.
type Moderator struct {
	User store.User
	Via  audit.Actor
}

// senior reports whether the moderator may work escalated cases and assign
// others: senior moderators and admins.
func (m Moderator) senior() bool { return m.User.Role == "senior_moderator" || m.User.Role == "admin" }

// works reports whether the moderator's role works the queue at all;
// appeals reviewers decide appeals, not cases.
func (m Moderator) works() bool { return m.User.Role == "agent" || m.senior() }

// actor is who the history and audit log name: the person, with the
// credential in the detail.
func (m Moderator) actor() audit.Actor { return audit.Actor{Type: audit.ActorUser, ID: m.User.ID} }

// ModeratorRoles are the roles that work the queue.
func ModeratorRoles() []string { return []string{"agent", "senior_moderator", "admin"} }

// The case actions (R-R6, R-R7).
const (
	ActClaim          = "claim"
	ActRelease        = "release"
	ActAssign         = "assign"
	ActNote           = "note"
	ActEscalate       = "escalate"
	ActRecommendTier  = "recommend_tier"
	ActDismiss        = "dismiss"
	ActResolve        = "resolve"
	ActApprove        = "approve"
	ActWarn           = "warn"
	ActRemoveContent  = "remove_content"
	ActPauseListing   = "pause_listing"
	ActRequestChanges = "request_changes"
)

// Actions lists every action.
func Actions() []string {
	return append([]string{ActClaim, ActRelease, ActAssign, ActNote, ActEscalate, ActRecommendTier}, policy.ClosingActions()...)
}

// RecommendableTiers are the tiers a moderator may recommend; moving the
// account is the enforcement capability's, by a person allowed to (R-P2).
func RecommendableTiers() []string {
	return []string{"warning", "flagged", "restricted", "suspended", "blocked"}
}

// ActionRequest is one action on a case.
type ActionRequest struct {
	Action string `json:"action" enum:"claim,release,assign,note,escalate,recommend_tier,dismiss,resolve,approve,warn,remove_content,pause_listing,request_changes"`
	// Assignee is a user id for assign, or "auto" for the least loaded
	// online moderator.
	Assignee string `json:"assignee,omitempty" maxLength:"100" doc:"assign: a moderator's user id, or auto for the least loaded moderator online."`
	Note     string `json:"note,omitempty" maxLength:"5000" doc:"note, escalate and recommend_tier: the text (required); other actions: an optional note."`
	// Template is a resolution template's id; its text becomes the
	// resolution unless Resolution is given.
	Template   string   `json:"template,omitempty" maxLength:"64" doc:"Closing actions: a resolution template id (policy reports.templates) whose action must match."`
	Resolution string   `json:"resolution,omitempty" maxLength:"5000" doc:"Closing actions: the reasoned resolution; required unless a template gives it."`
	Tier       string   `json:"tier,omitempty" enum:"warning,flagged,restricted,suspended,blocked" doc:"recommend_tier: the tier recommended to the enforcement team."`
	Fields     []string `json:"fields,omitempty" maxItems:"20" doc:"request_changes: the listing fields the seller must change."`
	Unfounded  bool     `json:"unfounded,omitempty" doc:"dismiss: the reports were manifestly unfounded; counts towards the reporters' misuse (R-R10)."`
	Ground     string   `json:"ground,omitempty" maxLength:"64" doc:"remove_content, pause_listing, request_changes: the enforcement ground (policy enforcement.grounds) the statement of reasons cites; default the template's, else other."`
}

// closing maps a closing action to the case status and outcome it leaves,
// and the report outcome (upheld or dismissed).
func closing(action string) (status, outcome, reports string, ok bool) {
	switch action {
	case ActDismiss:
		return "dismissed", "no_violation", "dismissed", true
	case ActApprove:
		return "resolved", "approved", "dismissed", true
	case ActResolve:
		return "resolved", "resolved", "upheld", true
	case ActWarn:
		return "resolved", "warned", "upheld", true
	case ActRemoveContent:
		return "resolved", "content_removed", "upheld", true
	case ActPauseListing:
		return "resolved", "listing_paused", "upheld", true
	case ActRequestChanges:
		return "resolved", "changes_requested", "upheld", true
	}
	return "", "", "", false
}

// FoundViolation reports whether a closed case's outcome found a breach of
// the rules — the outcomes that uphold the case's reports (resolved,
// warned, content_removed, listing_paused, changes_requested) — rather
// than none (no_violation, approved). The feedback loop labels the
// automated decisions a case judged with it (R-C6).
func FoundViolation(outcome string) bool {
	for _, a := range policy.ClosingActions() {
		if _, o, reports, _ := closing(a); o == outcome {
			return reports == "upheld"
		}
	}
	return false
}

// Act applies one action to a case (R-R6, R-R7) and returns the case as it
// is afterwards. The rules, enforced here for the API and the console
// alike: only moderators work cases; a claimed case is the claimant's
// until the claim expires, unless a senior takes it over; escalated cases
// are for senior moderators; closing needs a resolution; nothing moves an
// account's tier (a tier is only recommended). Assigning with "auto" gives
// only a case nobody holds, so that moderators auto-assigning one case at
// once give it to one moderator, not each to another.
func (s *Service) Act(ctx context.Context, marketplaceID string, m Moderator, caseID string, req ActionRequest) (View, error) {
	return s.actOn(ctx, marketplaceID, m, caseID, req, false)
}

// actOn is Act; with unheld, a claim is refused when anyone holds the
// case, the claimant included, as Next needs: what it saw free a moment
// ago may have been claimed since, and a senior's claim would otherwise
// take it over.
func (s *Service) actOn(ctx context.Context, marketplaceID string, m Moderator, caseID string, req ActionRequest, unheld bool) (View, error) {
	if !m.works() {
		return View{}, fmt.Errorf("%w: role %s does not work the moderation queue", ErrForbidden, m.User.Role)
	}
	if m.User.MarketplaceID != "" && m.User.MarketplaceID != marketplaceID {
		return View{}, fmt.Errorf("moderator %s: %w", m.User.ID, store.ErrNotFound)
	}
	if !slices.Contains(Actions(), req.Action) {
		return View{}, invalid("action %q is not one of %s", req.Action, strings.Join(Actions(), ", "))
	}
	req.Note, req.Resolution = strings.TrimSpace(req.Note), strings.TrimSpace(req.Resolution)
	if utf8.RuneCountInString(req.Note) > 5000 || utf8.RuneCountInString(req.Resolution) > 5000 {
		return View{}, invalid("note and resolution must be at most 5000 characters")
	}
	c0, err := s.DB.Case(ctx, marketplaceID, caseID)
	if err != nil {
		return View{}, err
	}
	t, err := loadTarget(ctx, s.DB, marketplaceID, c0.TargetType, c0.TargetID)
	if err != nil {
		return View{}, err
	}
	pol, err := s.policyFor(ctx, marketplaceID, t.category)
	if err != nil {
		return View{}, err
	}
	now := s.Now()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.LockCase(ctx, s.DB.Dialect, marketplaceID, caseID)
		if err != nil {
			return err
		}
		return s.act(ctx, tx, m, &c, req, pol, t, now, unheld)
	})
	if err != nil {
		return View{}, err
	}
	return s.Get(ctx, marketplaceID, caseID)
}

// caseSource is the enforcement source of a decision taken on a case:
// report for reported targets, else what opened the case.
func caseSource(c store.Case) string {
	if c.Source == "report" {
		return enforce.SourceReport
	}
	return c.Source
}

// holder is the moderator currently holding a case: its assignee while the
// claim has not expired.
func holder(c store.Case, now time.Time) string {
	if c.AssigneeID == "" || (!c.ClaimExpiresAt.IsZero() && !c.ClaimExpiresAt.After(now)) {
		return ""
	}
	return c.AssigneeID
}

func (s *Service) act(ctx context.Context, tx *store.Tx, m Moderator, c *store.Case, req ActionRequest, pol *policy.Policy, t target, now time.Time, unheld bool) error {
	if !c.Open() && req.Action != ActNote {
		return fmt.Errorf("%w: the case is %s; only notes may be added", ErrForbidden, c.Status)
	}
	if c.Escalated && !m.senior() && req.Action != ActNote {
		return fmt.Errorf("%w: the case is escalated to a senior moderator", ErrForbidden)
	}
	held := holder(*c, now)
	takesOver := held != "" && held != m.User.ID
	detail := map[string]any{"via": m.Via}
	if req.Note != "" {
		detail["note"] = req.Note
	}
	claimFor := func(userID string) {
		c.AssigneeID, c.Status, c.ClaimExpiresAt = userID, "reviewing", now.Add(pol.Reports.ClaimTimeout.Std())
	}
	kind := req.Action
	switch req.Action {
	case ActNote:
		if req.Note == "" {
			return invalid("a note needs its text")
		}
	case ActClaim:
		if takesOver && !m.senior() || held != "" && unheld {
			return fmt.Errorf("%w: the case is claimed by another moderator until %s", ErrForbidden, c.ClaimExpiresAt.Format(time.RFC3339))
		}
		claimFor(m.User.ID)
		detail["claim_expires_at"] = c.ClaimExpiresAt
	case ActRelease:
		if held != m.User.ID && !m.senior() {
			return fmt.Errorf("%w: only the moderator holding the case (or a senior) can release it", ErrForbidden)
		}
		c.AssigneeID, c.Status, c.ClaimExpiresAt = "", "pending", time.Time{}
	case ActAssign:
		if held != "" && req.Assignee == "auto" {
			return fmt.Errorf("%w: the case is already assigned until %s; release it first, or name the assignee", ErrForbidden,
				c.ClaimExpiresAt.Format(time.RFC3339))
		}
		who, err := s.assignee(ctx, tx, m, *c, req.Assignee, pol, now)
		if err != nil {
			return err
		}
		claimFor(who.ID)
		detail["assignee"], detail["assignee_username"] = who.ID, who.Username
	case ActEscalate:
		if req.Note == "" {
			return invalid("say why the case is escalated")
		}
		c.Escalated, c.AssigneeID, c.Status, c.ClaimExpiresAt = true, "", "pending", time.Time{}
	case ActRecommendTier:
		if !slices.Contains(RecommendableTiers(), req.Tier) {
			return invalid("tier must be one of %s", strings.Join(RecommendableTiers(), ", "))
		}
		if req.Note == "" {
			return invalid("say why the tier is recommended")
		}
		if c.AccountID == "" {
			return invalid("the case's target has no known account to recommend a tier for")
		}
		detail["tier"], detail["account_id"] = req.Tier, c.AccountID
		if s.Enforcer != nil {
			rec, err := s.Enforcer.Recommend(ctx, tx, c.MarketplaceID, enforce.RecommendRequest{AccountID: c.AccountID, Tier: req.Tier,
				Source: caseSource(*c), SourceRef: c.ID, Reason: req.Note, Evidence: map[string]any{"case_id": c.ID, "reason_group": c.ReasonGroup},
				By: m.actor()})
			if err != nil {
				return err
			}
			detail["recommendation_id"] = rec.ID
		}
		if err := s.notify(ctx, tx, c.MarketplaceID, EventAction, map[string]any{"case_id": c.ID, "action": req.Action,
			"account_id": c.AccountID, "tier": req.Tier, "note": req.Note}); err != nil {
			return err
		}
	default:
		if takesOver && !m.senior() {
			return fmt.Errorf("%w: the case is claimed by another moderator", ErrForbidden)
		}
		if err := s.close(ctx, tx, m, c, req, pol, now, detail); err != nil {
			return err
		}
		kind = "closed"
		detail["action"] = req.Action
	}
	c.UpdatedAt = now
	if err := tx.UpdateCase(ctx, *c); err != nil {
		return err
	}
	if err := s.history(ctx, tx, *c, m.actor(), kind, detail, now); err != nil {
		return err
	}
	return tx.Audit(ctx, c.MarketplaceID, m.actor(), "case."+req.Action, "case", c.ID, detail, now)
}

// assignee picks who an assign action gives the case to: the named user,
// who must work this marketplace's queue (and be senior for an escalated
// case), or with "auto" the least loaded moderator online (R-R7).
func (s *Service) assignee(ctx context.Context, tx *store.Tx, m Moderator, c store.Case, want string, pol *policy.Policy, now time.Time) (store.User, error) {
	if want == "auto" {
		roles := ModeratorRoles()
		if c.Escalated {
			roles = []string{"senior_moderator", "admin"}
		}
		online, err := tx.OnlineModerators(ctx, c.MarketplaceID, roles, now.Add(-pol.Reports.OnlineWindow.Std()))
		if err != nil {
			return store.User{}, err
		}
		if len(online) == 0 {
			return store.User{}, fmt.Errorf("%w: no moderator has been online in the last %s", ErrForbidden, pol.Reports.OnlineWindow)
		}
		return tx.User(ctx, online[0].UserID)
	}
	if want != m.User.ID && !m.senior() {
		return store.User{}, fmt.Errorf("%w: only senior moderators assign cases to others", ErrForbidden)
	}
	if want == "" {
		return store.User{}, invalid("assign needs an assignee: a user id, or auto")
	}
	u, err := tx.User(ctx, want)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.MarketplaceID != "" && u.MarketplaceID != c.MarketplaceID) {
		return store.User{}, invalid("assignee %q is not a moderator of this marketplace", want)
	}
	if err != nil {
		return u, err
	}
	other := Moderator{User: u}
	if !other.works() || !u.DisabledAt.IsZero() || (c.Escalated && !other.senior()) {
		return store.User{}, invalid("assignee %s (%s) cannot work this case", u.Username, u.Role)
	}
	return u, nil
}

// close applies a closing action: the case's status and outcome, the
// action's effect on the target, the reports' outcome and the reporters'
// track records and misuse, and the notifications (R-R9).
func (s *Service) close(ctx context.Context, tx *store.Tx, m Moderator, c *store.Case, req ActionRequest, pol *policy.Policy, now time.Time, detail map[string]any) error {
	status, outcome, reportOutcome, _ := closing(req.Action)
	resolution, ground := req.Resolution, req.Ground
	if _, ok := pol.Enforcement.Grounds[ground]; ground != "" && !ok {
		return invalid("ground %q is not one of this marketplace's enforcement grounds", ground)
	}
	if req.Template != "" {
		i := slices.IndexFunc(pol.Reports.Templates, func(t policy.Template) bool { return t.ID == req.Template })
		if i < 0 {
			return invalid("template %q is not one of this marketplace's resolution templates", req.Template)
		}
		if tpl := pol.Reports.Templates[i]; tpl.Action != req.Action {
			return invalid("template %q is for %s, not %s", req.Template, tpl.Action, req.Action)
		} else {
			resolution, ground = cmp.Or(resolution, tpl.Text), cmp.Or(ground, tpl.Ground)
		}
		detail["template"] = req.Template
	}
	if resolution == "" {
		return invalid("closing a case needs a resolution: pick a template or write the reason")
	}
	if req.Action == ActDismiss && req.Unfounded {
		reportOutcome = "unfounded"
	}
	restricted, err := s.applyEffect(ctx, tx, m, c, req, resolution)
	if err != nil {
		return err
	}
	if req.Action == ActWarn && c.AccountID != "" && s.Enforcer != nil {
		d := enforce.Decision{Reason: resolution, Source: caseSource(*c), SourceRef: c.ID, Evidence: map[string]any{"case_id": c.ID}}
		if err := s.Enforcer.Warn(ctx, tx, c.MarketplaceID, enforce.Person(m.User, m.Via), c.AccountID, d); err != nil {
			return err
		}
	}
	c.Status, c.Outcome, c.Resolution, c.ResolvedBy, c.ResolvedAt = status, outcome, resolution, m.User.ID, now
	c.AssigneeID, c.ClaimExpiresAt = m.User.ID, time.Time{}
	detail["outcome"], detail["resolution"] = outcome, resolution
	closed, err := tx.CloseReports(ctx, c.ID, reportOutcome, now)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, r := range closed {
		data := map[string]any{"reference": r.Reference, "reporter_id": r.ReporterID, "status": "closed", "outcome": reporterOutcome(reportOutcome), "closed_at": now}
		if r.Notice != "" {
			// A DSA notifier hears the decision with the ways to contest it
			// (R-C1).
			data["notice"], data["decision"], data["redress"] = true, outcome, noticeRedress(pol, now)
		}
		if err := s.notify(ctx, tx, c.MarketplaceID, EventReportClosed, data); err != nil {
			return err
		}
		if seen[r.ReporterID] {
			continue
		}
		seen[r.ReporterID] = true
		if err := s.track(ctx, tx, m, *c, r.ReporterID, reportOutcome, pol, now); err != nil {
			return err
		}
	}
	if restricted != "" && s.Enforcer != nil {
		if err := s.Enforcer.ContentRestricted(ctx, tx, check.Restriction{MarketplaceID: c.MarketplaceID, SubjectType: c.TargetType,
			SubjectID: c.TargetID, AccountID: c.AccountID, Policy: pol, What: restricted, Ground: ground, Facts: resolution, Source: caseSource(*c),
			Notifier: notifier(closed), Human: true, Actor: m.actor(), RefType: "case", RefID: c.ID, At: now}); err != nil {
			return err
		}
	}
	return s.notify(ctx, tx, c.MarketplaceID, EventCaseClosed, map[string]any{"case_id": c.ID, "status": status, "outcome": outcome,
		"target": Target{Type: c.TargetType, ID: c.TargetID}, "account_id": c.AccountID, "resolution": resolution, "closed_at": now})
}

// noticeRedress is how a notifier may contest the decision on their
// notice: a complaint within the policy's window, an out-of-court body,
// the courts.
func noticeRedress(pol *policy.Policy, now time.Time) map[string]any {
	return map[string]any{
		"complaint_until": now.AddDate(0, pol.Appeals.ComplaintWindowMonths, 0),
		"complaint":       "Reply to this decision through the marketplace's complaint form within the period above; a person reviews it.",
		"out_of_court":    "You may refer the decision to a certified out-of-court dispute settlement body.",
		"judicial":        "You may bring the matter before the competent court.",
	}
}

// notifier is who reported a case's target, for the statement of reasons'
// source: trusted_flagger when a trusted flagger did, user when anyone
// else outside the marketplace did, internal otherwise.
func notifier(reports []store.Report) string {
	who := "internal"
	for _, r := range reports {
		switch r.ReporterType {
		case "trusted_flagger":
			return r.ReporterType
		case "internal":
		default:
			who = "user"
		}
	}
	return who
}

// applyEffect carries out what a closing action does to the target:
// listing statuses change here; everything else the marketplace carries
// out on the moderation.action webhook. It returns the content
// restriction made, as the policy's DSA mapping names it after the
// target's type (rejected, paused, changes_requested, removed), or ""
// for none.
func (s *Service) applyEffect(ctx context.Context, tx *store.Tx, m Moderator, c *store.Case, req ActionRequest, resolution string) (string, error) {
	data := map[string]any{"case_id": c.ID, "action": req.Action, "target": Target{Type: c.TargetType, ID: c.TargetID},
		"account_id": c.AccountID, "resolution": resolution}
	status := ""
	switch req.Action {
	case ActPauseListing:
		status = "paused"
	case ActRequestChanges:
		if len(req.Fields) == 0 {
			return "", invalid("request_changes needs the fields the seller must change")
		}
		status, data["fields"] = "changes_requested", req.Fields
	case ActRemoveContent:
		if c.TargetType == "listing" {
			status = "rejected"
		}
	case ActApprove:
		if c.TargetType == "listing" {
			status = "approved"
		}
	case ActDismiss, ActResolve:
		return "", nil
	}
	if status != "" {
		if c.TargetType != "listing" {
			return "", invalid("this case is about %s %s, and %s works only on listings", c.TargetType, c.TargetID, strings.ReplaceAll(req.Action, "_", " "))
		}
		_, err := s.Listings.Apply(ctx, tx, c.MarketplaceID, c.TargetID, listing.Move{To: status, Actor: listing.ActorModerator, ActorID: m.User.ID,
			Reason: resolution, Fields: req.Fields, Ref: c.ID})
		switch {
		case errors.Is(err, store.ErrNotFound):
			return "", invalid("listing %s is not known to Vigil, so its status cannot change", c.TargetID)
		case errors.Is(err, listing.ErrForbidden), errors.Is(err, listing.ErrInvalid):
			return "", fmt.Errorf("%w: %v", ErrForbidden, err)
		case err != nil:
			return "", err
		}
		data["status"] = status
	}
	restricted := status
	switch {
	case req.Action == ActRemoveContent && c.TargetType != "listing":
		restricted = "removed"
	case status == "approved":
		restricted = ""
	}
	return restricted, s.notify(ctx, tx, c.MarketplaceID, EventAction, data)
}

// track updates a reporter's record with a closed report's outcome and
// applies the misuse rules (R-R10): WarnAt unfounded reports within the
// window warn the reporter; SuspendAt suspend their reporting for a
// period. Every step is audited and notified.
func (s *Service) track(ctx context.Context, tx *store.Tx, m Moderator, c store.Case, reporterID, outcome string, pol *policy.Policy, now time.Time) error {
	rec, err := tx.Reporter(ctx, c.MarketplaceID, reporterID)
	if err != nil {
		return err
	}
	switch outcome {
	case "upheld":
		rec.Upheld++
	case "dismissed":
		rec.Dismissed++
	case "unfounded":
		rec.Dismissed++
		rec.Unfounded++
	}
	if outcome == "unfounded" {
		mis := pol.Reports.Misuse
		n, err := tx.CountUnfounded(ctx, c.MarketplaceID, reporterID, now.Add(-mis.Window.Std()))
		if err != nil {
			return err
		}
		system := audit.Actor{Type: audit.ActorSystem, ID: "misuse"}
		detail := map[string]any{"reporter_id": reporterID, "unfounded": n, "window": mis.Window.String(), "case_id": c.ID}
		switch {
		case n >= mis.SuspendAt && !rec.SuspendedUntil.After(now):
			rec.SuspendedUntil = now.Add(mis.SuspendFor.Std())
			detail["until"], detail["action"] = rec.SuspendedUntil, mis.Action
			if err := s.notify(ctx, tx, c.MarketplaceID, EventReporterSusp, detail); err != nil {
				return err
			}
			if err := tx.Audit(ctx, c.MarketplaceID, system, "reporter.suspended", "reporter", reporterID, detail, now); err != nil {
				return err
			}
		case n >= mis.WarnAt && n < mis.SuspendAt && (rec.WarnedAt.IsZero() || rec.WarnedAt.Before(now.Add(-mis.Window.Std()))):
			rec.WarnedAt = now
			if err := s.notify(ctx, tx, c.MarketplaceID, EventReporterWarned, detail); err != nil {
				return err
			}
			if err := tx.Audit(ctx, c.MarketplaceID, system, "reporter.warned", "reporter", reporterID, detail, now); err != nil {
				return err
			}
		}
	}
	return tx.SaveReporter(ctx, rec)
}

// Next claims the most urgent case the moderator may work that nobody
// holds: the top of the queue (R-R7), skipping escalated cases for agents.
// ErrNotFound when there is none.
func (s *Service) Next(ctx context.Context, marketplaceID string, m Moderator) (View, error) {
	if !m.works() {
		return View{}, fmt.Errorf("%w: role %s does not work the moderation queue", ErrForbidden, m.User.Role)
	}
	now := s.Now()
	q := store.CaseQuery{MarketplaceID: marketplaceID, Now: now, Limit: 50}
	for range 20 {
		page, err := s.DB.Cases(ctx, q)
		if err != nil {
			return View{}, err
		}
		for _, c := range page {
			if holder(c, now) != "" || (c.Escalated && !m.senior()) {
				continue
			}
			v, err := s.actOn(ctx, marketplaceID, m, c.ID, ActionRequest{Action: ActClaim}, true)
			if errors.Is(err, ErrForbidden) {
				continue // claimed by someone else a moment ago
			}
			return v, err
		}
		if len(page) < q.Limit {
			break
		}
		last := page[len(page)-1]
		q.AfterPriority, q.AfterCreated, q.AfterID = last.Priority, last.CreatedAt, last.ID
	}
	return View{}, fmt.Errorf("no unclaimed case to take: %w", store.ErrNotFound)
}
