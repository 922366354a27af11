package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// Target names what a report is about.
type Target struct {
	Type string `json:"type" enum:"listing,message,review,account" doc:"What is reported."`
	ID   string `json:"id" minLength:"1" maxLength:"200" doc:"The marketplace's id of the listing, message, review or account."`
}

// ReporterRef names who reports.
type ReporterRef struct {
	ID   string `json:"id" minLength:"1" maxLength:"200" doc:"The reporter's account id, or the trusted flagger's or team's id."`
	Type string `json:"type,omitempty" enum:"user,trusted_flagger,internal" default:"user" doc:"Who the reporter is; trusted flaggers' reports come first."`
}

// ReportRequest is a report as the marketplace files it.
type ReportRequest struct {
	Target   Target      `json:"target"`
	Reason   string      `json:"reason" minLength:"1" maxLength:"64" doc:"A reason code of the marketplace's taxonomy (policy reports.reasons), e.g. scam_or_fraud."`
	Details  string      `json:"details,omitempty" maxLength:"5000" doc:"The reporter's own words; required for reason other."`
	Reporter ReporterRef `json:"reporter"`
	// Notice makes the report a DSA notice of illegal content (R-C1).
	Notice *Notice `json:"notice,omitempty" doc:"A DSA notice's own fields; POST /v1/notices files one."`
}

// Notice is what a DSA notice of illegal content carries besides a
// report's fields (R-C1, DSA art. 16(2)): why the content is illegal, where
// exactly it is, who notifies (optional where the law allows anonymity)
// and the statement of good faith.
type Notice struct {
	Explanation   string `json:"explanation" maxLength:"5000" doc:"A substantiated explanation of why the content is illegal (at least 20 characters)."`
	LegalGround   string `json:"legal_ground,omitempty" maxLength:"500" doc:"The law the content breaks, if the notifier names it."`
	Location      string `json:"location" maxLength:"2000" doc:"The exact electronic location of the content: its URL."`
	NotifierName  string `json:"notifier_name,omitempty" maxLength:"200"`
	NotifierEmail string `json:"notifier_email,omitempty" maxLength:"320"`
	GoodFaith     bool   `json:"good_faith" doc:"The notifier's statement that they believe, in good faith, the notice is accurate and complete; required."`
}

// check validates a notice.
func (n *Notice) check() error {
	n.Explanation, n.Location = strings.TrimSpace(n.Explanation), strings.TrimSpace(n.Location)
	n.NotifierName, n.NotifierEmail = strings.TrimSpace(n.NotifierName), strings.TrimSpace(n.NotifierEmail)
	u, err := url.Parse(n.Location)
	switch {
	case utf8.RuneCountInString(n.Explanation) < 20:
		return invalid("notice.explanation must say, in at least 20 characters, why the content is illegal")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return invalid("notice.location must be the content's exact URL (http or https)")
	case n.NotifierEmail != "" && !strings.Contains(n.NotifierEmail, "@"):
		return invalid("notice.notifier_email %q is not an email address", n.NotifierEmail)
	case !n.GoodFaith:
		return invalid("notice.good_faith must be true: the notifier confirms the notice is accurate and complete in good faith")
	}
	return nil
}

// Filed is the answer to a report: its reference number and case.
type Filed struct {
	Reference string    `json:"reference" doc:"The human-friendly reference the reporter is given, e.g. VR-7K2M-Q9XD."`
	CaseID    string    `json:"case_id"`
	Status    string    `json:"status" enum:"received,in_review,closed"`
	CreatedAt time.Time `json:"created_at"`
	Replayed  bool      `json:"replayed,omitempty" doc:"This is the report an earlier request with the same Idempotency-Key filed."`
}

// maxDetails is the longest details text, in characters.
const maxDetails = 5000

// validate checks a report against the policy's taxonomy.
func validate(pol *policy.Policy, r *ReportRequest) error {
	r.Target.ID, r.Reporter.ID, r.Details = strings.TrimSpace(r.Target.ID), strings.TrimSpace(r.Reporter.ID), strings.TrimSpace(r.Details)
	if r.Reporter.Type == "" {
		r.Reporter.Type = "user"
	}
	switch {
	case !slices.Contains(TargetTypes(), r.Target.Type):
		return invalid("target.type %q is not one of %s", r.Target.Type, strings.Join(TargetTypes(), ", "))
	case r.Target.ID == "" || len(r.Target.ID) > 200:
		return invalid("target.id must be 1 to 200 characters")
	case pol.Reports.Reasons[r.Reason] == "":
		return invalid("reason %q is not in this marketplace's taxonomy; use one of %s", r.Reason,
			strings.Join(slices.Sorted(maps.Keys(pol.Reports.Reasons)), ", "))
	case r.Reporter.ID == "" || len(r.Reporter.ID) > 200:
		return invalid("reporter.id must be 1 to 200 characters")
	case !slices.Contains(policy.ReporterTypes(), r.Reporter.Type):
		return invalid("reporter.type %q is not one of %s", r.Reporter.Type, strings.Join(policy.ReporterTypes(), ", "))
	case utf8.RuneCountInString(r.Details) > maxDetails:
		return invalid("details must be at most %d characters", maxDetails)
	case r.Reason == "other" && r.Details == "":
		return invalid("details are required for reason other: say what is wrong")
	}
	if r.Notice != nil {
		return r.Notice.check()
	}
	return nil
}

// File accepts a report (R-R2): it validates it, refuses it while the
// reporter is suspended from reporting under a refuse policy, and stores
// it with its reference number in the target's case — opening the case if
// the target has none — with the recomputed priority, due time, spike
// alert, history, audit entry and the confirmation webhook, in one
// transaction, before answering. A phishing link in the reported content
// queues the takedown webhook in the same transaction (R-R3). A retry with
// the same idempotency key returns the first report.
func (s *Service) File(ctx context.Context, marketplaceID string, actor audit.Actor, req ReportRequest, idempotencyKey string) (Filed, error) {
	if len(idempotencyKey) > 200 {
		return Filed{}, invalid("Idempotency-Key must be at most 200 characters")
	}
	t, err := loadTarget(ctx, s.DB, marketplaceID, req.Target.Type, req.Target.ID)
	if err != nil {
		return Filed{}, err
	}
	eff, pol, err := s.effective(ctx, marketplaceID, t.category)
	if err != nil {
		return Filed{}, err
	}
	if err := validate(pol, &req); err != nil {
		return Filed{}, err
	}
	fp, err := json.Marshal(req)
	if err != nil {
		return Filed{}, err
	}
	if f, ok, err := s.replay(ctx, marketplaceID, idempotencyKey, string(fp)); ok || err != nil {
		return f, err
	}
	// Evidence from the reported content, found before the transaction:
	// the scan is CPU work that needs no lock.
	var findings []detect.Finding
	if s.Scanner != nil && len(t.fields) > 0 {
		if findings, err = s.Scanner.ScanText(marketplaceID, eff, t.category, t.fields...); err != nil {
			return Filed{}, err
		}
	}
	var out Filed
	err = retry(func() error {
		var err error
		out, err = s.file(ctx, marketplaceID, actor, req, idempotencyKey, string(fp), t, pol, findings)
		if errors.Is(err, store.ErrConflict) && idempotencyKey != "" {
			// A concurrent retry with the same key may have won.
			if f, ok, rerr := s.replay(ctx, marketplaceID, idempotencyKey, string(fp)); ok || rerr != nil {
				out = f
				return rerr
			}
		}
		return err
	})
	return out, err
}

// replay returns the report an earlier request with the same key filed;
// the same key with another report is ErrConflict.
func (s *Service) replay(ctx context.Context, marketplaceID, key, fingerprint string) (Filed, bool, error) {
	if key == "" {
		return Filed{}, false, nil
	}
	r, err := s.DB.ReportByIdempotencyKey(ctx, marketplaceID, key)
	if errors.Is(err, store.ErrNotFound) {
		return Filed{}, false, nil
	}
	if err != nil {
		return Filed{}, false, err
	}
	if r.Fingerprint != fingerprint {
		return Filed{}, true, fmt.Errorf("Idempotency-Key %q was used for a different report (%s): %w", key, r.Reference, ErrKeyReused)
	}
	st, err := s.Status(ctx, marketplaceID, r.Reference)
	if err != nil {
		return Filed{}, true, err
	}
	return Filed{Reference: r.Reference, CaseID: r.CaseID, Status: st.Status, CreatedAt: r.CreatedAt, Replayed: true}, true, nil
}

func (s *Service) file(ctx context.Context, marketplaceID string, actor audit.Actor, req ReportRequest, key, fingerprint string,
	t target, pol *policy.Policy, findings []detect.Finding) (Filed, error) {
	now := s.Now()
	group := pol.Reports.Reasons[req.Reason]
	var out Filed
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		rec, err := tx.Reporter(ctx, marketplaceID, req.Reporter.ID)
		if err != nil {
			return err
		}
		suspended := rec.SuspendedUntil.After(now)
		if suspended && pol.Reports.Misuse.Action == policy.MisuseRefuse {
			return fmt.Errorf("%w until %s: too many of this reporter's reports were manifestly unfounded", ErrRefused,
				rec.SuspendedUntil.Format(time.RFC3339))
		}
		if lim := pol.Reports.ReporterRate; req.Reporter.Type == "user" {
			n, first, err := tx.ReportsSince(ctx, marketplaceID, req.Reporter.ID, now.Add(-lim.Window.Std()))
			if err != nil {
				return err
			}
			if n >= lim.Max {
				return RateLimited{Until: first.Add(lim.Window.Std())}
			}
		}
		c, created, err := s.openCase(ctx, tx, marketplaceID, req.Target.Type, req.Target.ID, t.accountID, "report", group, pol, now)
		if err != nil {
			return err
		}
		sla := slaOf(pol, group)
		if req.Reporter.Type == "trusted_flagger" {
			sla = min(sla, pol.Reports.TrustedFlaggerSLA.Std())
		}
		setDue(&c, pol, now, sla)
		rep, err := newReport(s.NewID(), NewReference(), marketplaceID, c.ID, req, key, fingerprint, t, group, now)
		if err != nil {
			return err
		}
		rep.Weight = Reporter{Type: rep.ReporterType, Upheld: rec.Upheld, Dismissed: rec.Dismissed, Suspended: suspended}.Weight(pol.Reports.Priority)
		if created {
			// The case must exist before its first report refers to it;
			// its priority is computed below, with the report.
			c.PriorityDetail = []byte("{}")
			if err := tx.CreateCase(ctx, &c); err != nil {
				return err
			}
		}
		if err := tx.CreateReport(ctx, rep); err != nil {
			return err
		}
		spike, err := s.spiking(ctx, tx, marketplaceID, c, pol, now)
		if err != nil {
			return err
		}
		newSpike := spike != "" && c.SpikeAt.IsZero()
		if newSpike {
			c.SpikeAt = now
		}
		if err := s.reprioritise(ctx, tx, &c, pol, t); err != nil {
			return err
		}
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		if err := s.history(ctx, tx, c, actor, "report_added", reportAdded(rep), now); err != nil {
			return err
		}
		if newSpike {
			if err := s.alert(ctx, tx, c, "spike", spike, now); err != nil {
				return err
			}
			if err := s.notify(ctx, tx, marketplaceID, EventSpike, map[string]any{"case_id": c.ID, "target": req.Target,
				"account_id": c.AccountID, "detail": spike}); err != nil {
				return err
			}
		}
		if created && len(findings) > 0 {
			if err := s.evidence(ctx, tx, c, pol, rep, findings, now); err != nil {
				return err
			}
		}
		if err := s.notify(ctx, tx, marketplaceID, EventReportReceived, map[string]any{"reference": rep.Reference,
			"reporter_id": rep.ReporterID, "target": req.Target, "status": "received", "created_at": now}); err != nil {
			return err
		}
		out = Filed{Reference: rep.Reference, CaseID: c.ID, Status: "received", CreatedAt: now}
		return tx.Audit(ctx, marketplaceID, actor, "report.filed", "case", c.ID, reportFiled(rep, created), now)
	})
	return out, err
}

// newReport is the report req files in case caseID, open, as it is
// stored; its weight is the caller's to set.
func newReport(id, reference, marketplaceID, caseID string, req ReportRequest, key, fingerprint string, t target, group string,
	now time.Time) (store.Report, error) {
	rep := store.Report{ID: id, MarketplaceID: marketplaceID, Reference: reference, CaseID: caseID, TargetType: req.Target.Type,
		TargetID: req.Target.ID, AccountID: t.accountID, Reason: req.Reason, ReasonGroup: group, Details: req.Details,
		ReporterID: req.Reporter.ID, ReporterType: req.Reporter.Type, IdempotencyKey: key, Fingerprint: fingerprint, Status: "open", CreatedAt: now}
	if req.Notice != nil {
		b, err := json.Marshal(req.Notice)
		if err != nil {
			return rep, err
		}
		rep.Notice = string(b)
	}
	return rep, nil
}

// reportAdded is the detail of the case history step a report adds.
func reportAdded(rep store.Report) map[string]any {
	return map[string]any{"reference": rep.Reference, "reason": rep.Reason, "group": rep.ReasonGroup, "reporter_id": rep.ReporterID,
		"reporter_type": rep.ReporterType, "weight": rep.Weight}
}

// reportFiled is the detail of a report's audit entry.
func reportFiled(rep store.Report, caseOpened bool) map[string]any {
	return map[string]any{"reference": rep.Reference, "target_type": rep.TargetType, "target_id": rep.TargetID, "reason": rep.Reason,
		"reporter_type": rep.ReporterType, "case_opened": caseOpened}
}

// spiking reports, as a sentence, whether the target or its account has
// received more reports within the policy's window than its limit (R-R5);
// "" when not.
func (s *Service) spiking(ctx context.Context, tx *store.Tx, marketplaceID string, c store.Case, pol *policy.Policy, now time.Time) (string, error) {
	return spikeOf(c, pol, now, func(targetType, targetID string, since time.Time) (int, error) {
		return tx.CountReports(ctx, marketplaceID, targetType, targetID, since)
	})
}

// spikeOf is spiking's rule over count, which counts the reports on a
// target (on everything of an account for targetType "account") since a
// time.
func spikeOf(c store.Case, pol *policy.Policy, now time.Time, count func(targetType, targetID string, since time.Time) (int, error)) (string, error) {
	sp := pol.Reports.Spike
	since := now.Add(-sp.Window.Std())
	n, err := count(c.TargetType, c.TargetID, since)
	if err != nil {
		return "", err
	}
	if n > sp.Max {
		return fmt.Sprintf("%d reports on %s %s within %s (limit %d).", n, c.TargetType, c.TargetID, sp.Window, sp.Max), nil
	}
	if c.AccountID == "" || c.TargetType == "account" {
		return "", nil
	}
	n, err = count("account", c.AccountID, since)
	if err != nil || n <= sp.Max {
		return "", err
	}
	return fmt.Sprintf("%d reports on the content of account %s within %s (limit %d).", n, c.AccountID, sp.Window, sp.Max), nil
}

// alert stores a console alert for a case.
func (s *Service) alert(ctx context.Context, tx *store.Tx, c store.Case, kind, detail string, at time.Time) error {
	return tx.CreateAlert(ctx, store.Alert{ID: s.NewID(), MarketplaceID: c.MarketplaceID, Kind: kind, CaseID: c.ID, Detail: detail, CreatedAt: at})
}

// evidence records what the detectors found in reported content in the
// case history (R-R3: evidence extracted) and forwards phishing links to
// the takedown webhook at once.
func (s *Service) evidence(ctx context.Context, tx *store.Tx, c store.Case, pol *policy.Policy, rep store.Report, findings []detect.Finding, now time.Time) error {
	actor := audit.Actor{Type: audit.ActorSystem, ID: "detector"}
	if err := s.history(ctx, tx, c, actor, "evidence", map[string]any{"findings": findings}, now); err != nil {
		return err
	}
	if !pol.Links.TakedownWebhook {
		return nil
	}
	for _, f := range findings {
		if f.Code != "link.phishing" {
			continue
		}
		if err := s.notify(ctx, tx, c.MarketplaceID, check.TakedownEvent, map[string]any{"url": f.Value, "match": f.Match,
			"subject_type": c.TargetType, "subject_id": c.TargetID, "case_id": c.ID, "report": rep.Reference, "detail": f.Detail}); err != nil {
			return err
		}
	}
	return nil
}

// ReportStatus is what the reporter may know of their report (R-R9): its
// state and, once closed, the outcome category, nothing about the other
// party.
type ReportStatus struct {
	Reference string    `json:"reference"`
	Status    string    `json:"status" enum:"received,in_review,closed"`
	Outcome   string    `json:"outcome,omitempty" enum:"action_taken,no_action" doc:"Once closed: whether the report led to action."`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
}

// NormaliseReference returns a report reference as typed by a person
// (any case, spaces around it) as it is stored: VR-7K2M-Q9XD.
func NormaliseReference(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// Status is a report's status for its reporter.
func (s *Service) Status(ctx context.Context, marketplaceID, reference string) (ReportStatus, error) {
	r, err := s.DB.ReportByReference(ctx, marketplaceID, NormaliseReference(reference))
	if err != nil {
		return ReportStatus{}, err
	}
	out := ReportStatus{Reference: r.Reference, Status: "received", Reason: r.Reason, CreatedAt: r.CreatedAt, ClosedAt: r.ClosedAt}
	if r.Status == "closed" {
		out.Status, out.Outcome = "closed", reporterOutcome(r.Outcome)
		return out, nil
	}
	c, err := s.DB.Case(ctx, marketplaceID, r.CaseID)
	if err != nil {
		return out, err
	}
	if c.Status == "reviewing" {
		out.Status = "in_review"
	}
	return out, nil
}

// reporterOutcome is the category a reporter is told: whether action was
// taken.
func reporterOutcome(reportOutcome string) string {
	if reportOutcome == "upheld" {
		return "action_taken"
	}
	return "no_action"
}
