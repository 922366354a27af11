package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Case is one target's moderation case: the reports and holds on it, its
// priority and due time, who works it, and how it ended.
type Case struct {
	ID             string
	MarketplaceID  string
	TargetType     string
	TargetID       string
	AccountID      string
	Status         string // pending, reviewing, resolved, dismissed
	Source         string // report, detector, rule, risk
	ReasonGroup    string
	Priority       float64
	PriorityDetail json.RawMessage
	ReportCount    int
	SpikeAt        time.Time
	AssigneeID     string
	ClaimExpiresAt time.Time
	Escalated      bool
	DueAt          time.Time
	// RiskFrom is when the case starts to count as at risk of missing
	// DueAt; AtRiskAt is when that was alerted.
	RiskFrom   time.Time
	AtRiskAt   time.Time
	BreachedAt time.Time
	DecisionID string
	Outcome    string
	Resolution string
	ResolvedBy string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ResolvedAt time.Time
	// stored is caseArgs as last read from or written to the database,
	// so that UpdateCase writes only what changed since: every column
	// it writes rewrites the indexes over it.
	stored []any
}

// Open reports whether the case still waits for a decision.
func (c Case) Open() bool { return c.Status == "pending" || c.Status == "reviewing" }

const caseCols = `id, marketplace_id, target_type, target_id, account_id, status, source, reason_group, priority, priority_detail,
	report_count, spike_at, assignee_id, claim_expires_at, escalated, due_at, risk_from, at_risk_at, breached_at, decision_id,
	outcome, resolution, resolved_by, created_at, updated_at, resolved_at`

func scanCase(rows *sql.Rows) (Case, error) {
	var c Case
	var detail string
	var spike, claim, atRisk, breached, resolved sql.NullInt64
	var assignee, decision sql.NullString
	var escalated int
	var due, riskFrom, created, updated int64
	err := rows.Scan(&c.ID, &c.MarketplaceID, &c.TargetType, &c.TargetID, &c.AccountID, &c.Status, &c.Source, &c.ReasonGroup,
		&c.Priority, &detail, &c.ReportCount, &spike, &assignee, &claim, &escalated, &due, &riskFrom, &atRisk, &breached, &decision,
		&c.Outcome, &c.Resolution, &c.ResolvedBy, &created, &updated, &resolved)
	c.PriorityDetail, c.AssigneeID, c.DecisionID, c.Escalated = json.RawMessage(detail), assignee.String, decision.String, escalated != 0
	c.SpikeAt, c.ClaimExpiresAt, c.AtRiskAt, c.BreachedAt, c.ResolvedAt = nullMicros(spike), nullMicros(claim), nullMicros(atRisk), nullMicros(breached), nullMicros(resolved)
	c.DueAt, c.RiskFrom, c.CreatedAt, c.UpdatedAt = fromMicros(due), fromMicros(riskFrom), fromMicros(created), fromMicros(updated)
	c.stored = c.caseArgs()
	return c, err
}

func (c conn) oneCase(ctx context.Context, what, where string, args ...any) (Case, error) {
	rows, err := c.q.QueryContext(ctx, "SELECT "+caseCols+" FROM cases WHERE "+where, args...)
	return one(rows, err, scanCase, what)
}

// Case loads one of a marketplace's cases.
func (c conn) Case(ctx context.Context, marketplaceID, id string) (Case, error) {
	return c.oneCase(ctx, "case "+id, "marketplace_id = $1 AND id = $2", marketplaceID, id)
}

// OpenCaseFor loads the open case of a target; ErrNotFound when it has
// none.
func (c conn) OpenCaseFor(ctx context.Context, marketplaceID, targetType, targetID string) (Case, error) {
	return c.oneCase(ctx, "open case of "+targetType+" "+targetID,
		"marketplace_id = $1 AND target_type = $2 AND target_id = $3 AND status IN ('pending', 'reviewing')", marketplaceID, targetType, targetID)
}

// CreateCase inserts a new case. A second open case for the same target is
// ErrConflict: the caller lost a race and joins the other one.
func (tx *Tx) CreateCase(ctx context.Context, c *Case) error {
	args := c.caseArgs()
	_, err := tx.q.ExecContext(ctx, `INSERT INTO cases (`+caseCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)`,
		args...)
	if isUniqueViolation(err) {
		return fmt.Errorf("open case of %s %s: %w", c.TargetType, c.TargetID, ErrConflict)
	}
	if err == nil {
		c.stored = args
	}
	return err
}

func (c Case) caseArgs() []any {
	esc := 0
	if c.Escalated {
		esc = 1
	}
	return []any{c.ID, c.MarketplaceID, c.TargetType, c.TargetID, c.AccountID, c.Status, c.Source, c.ReasonGroup, c.Priority, string(c.PriorityDetail),
		c.ReportCount, optMicros(c.SpikeAt), nullString(c.AssigneeID), optMicros(c.ClaimExpiresAt), esc, micros(c.DueAt), micros(c.RiskFrom),
		optMicros(c.AtRiskAt), optMicros(c.BreachedAt), nullString(c.DecisionID), c.Outcome, c.Resolution, c.ResolvedBy,
		micros(c.CreatedAt), micros(c.UpdatedAt), optMicros(c.ResolvedAt)}
}

// UpdateCase writes the mutable fields of c: those changed since c was
// read or created, or every one for a case built some other way.
func (tx *Tx) UpdateCase(ctx context.Context, c Case) error {
	args := c.caseArgs()
	var set strings.Builder
	vals := []any{c.MarketplaceID, c.ID}
	for i, col := range caseColumns {
		// id, marketplace_id, target_type, target_id and created_at
		// never change.
		if i < 4 || col == "created_at" || (c.stored != nil && args[i] == c.stored[i]) {
			continue
		}
		vals = append(vals, args[i])
		if set.Len() > 0 {
			set.WriteString(", ")
		}
		fmt.Fprintf(&set, "%s = $%d", col, len(vals))
	}
	if set.Len() == 0 {
		return nil
	}
	_, err := tx.q.ExecContext(ctx, `UPDATE cases SET `+set.String()+` WHERE marketplace_id = $1 AND id = $2`, vals...)
	return err
}

// caseColumns are caseCols one by one, in caseArgs' order.
var caseColumns = strings.Split(strings.Join(strings.Fields(caseCols), ""), ",")

// LockCase takes a case for an update inside tx, so that two moderators
// acting at once on PostgreSQL apply one after the other (SQLite has a
// single writer already).
func (tx *Tx) LockCase(ctx context.Context, dialect Dialect, marketplaceID, id string) (Case, error) {
	where := "marketplace_id = $1 AND id = $2"
	if dialect == Postgres {
		where += " FOR UPDATE"
	}
	return tx.oneCase(ctx, "case "+id, where, marketplaceID, id)
}

// LockOpenCaseFor is OpenCaseFor taking the case for an update inside tx,
// as LockCase does: reports and holds joining one case at once on
// PostgreSQL apply one after the other, each counting those before it.
func (tx *Tx) LockOpenCaseFor(ctx context.Context, dialect Dialect, marketplaceID, targetType, targetID string) (Case, error) {
	where := "marketplace_id = $1 AND target_type = $2 AND target_id = $3 AND status IN ('pending', 'reviewing')"
	if dialect == Postgres {
		where += " FOR UPDATE"
	}
	return tx.oneCase(ctx, "open case of "+targetType+" "+targetID, where, marketplaceID, targetType, targetID)
}

// collect scans every row of a query with scan, closing the rows; err is
// the query's own error, so a call reads collect(q.QueryContext(…)).
func collect[T any](rows *sql.Rows, err error, scan func(*sql.Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// one is collect for a query that selects a single row: ErrNotFound,
// naming what, when it selects none.
func one[T any](rows *sql.Rows, err error, scan func(*sql.Rows) (T, error), what string) (T, error) {
	vs, err := collect(rows, err, scan)
	if err == nil && len(vs) == 0 {
		err = fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return vs[0], nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// CaseQuery selects cases for the queue.
type CaseQuery struct {
	MarketplaceID string
	// Statuses to include; empty means the open ones.
	Statuses    []string
	ReasonGroup string
	TargetType  string
	// Sources limits the cases to those opened by these sources (report,
	// detector, rule, risk).
	Sources []string
	// Assignee is a user id, "none" for unassigned cases.
	Assignee string
	// SLA is on_track, at_risk or breached, judged at Now.
	SLA         string
	Now         time.Time
	MinPriority float64
	AccountID   string
	// Sort is "priority" (highest first, the default) or "age" (oldest
	// first).
	Sort string
	// After is the cursor: the sort key and id of the last case seen.
	AfterPriority float64
	AfterCreated  time.Time
	AfterID       string
	// Backward walks the same order the other way: the cases before the
	// cursor, nearest first.
	Backward bool
	Limit    int
}

// openCases is the condition of an open case, written exactly as the
// partial queue indexes state it.
const openCases = "status IN ('pending', 'reviewing')"

// Cases lists cases in queue order with keyset pagination, so the first
// page and every later page cost the same at any queue size.
func (c conn) Cases(ctx context.Context, q CaseQuery) ([]Case, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where = append(where, "marketplace_id = "+arg(q.MarketplaceID))
	if len(q.Statuses) == 0 {
		// The literal condition of the partial queue indexes.
		where = append(where, openCases)
	} else {
		var in []string
		for _, s := range q.Statuses {
			in = append(in, arg(s))
		}
		where = append(where, "status IN ("+strings.Join(in, ", ")+")")
	}
	if q.ReasonGroup != "" {
		where = append(where, "reason_group = "+arg(q.ReasonGroup))
	}
	if q.TargetType != "" {
		where = append(where, "target_type = "+arg(q.TargetType))
	}
	if len(q.Sources) > 0 {
		var src []string
		for _, s := range q.Sources {
			src = append(src, arg(s))
		}
		where = append(where, "source IN ("+strings.Join(src, ", ")+")")
	}
	if q.AccountID != "" {
		where = append(where, "account_id = "+arg(q.AccountID))
	}
	// A claim that expired holds nothing, even before the sweep clears it.
	switch q.Assignee {
	case "":
	case "none":
		where = append(where, "(assignee_id IS NULL OR claim_expires_at <= "+arg(micros(q.Now))+")")
	default:
		where = append(where, "assignee_id = "+arg(q.Assignee)+" AND (claim_expires_at IS NULL OR claim_expires_at > "+arg(micros(q.Now))+")")
	}
	if q.MinPriority > 0 {
		where = append(where, "priority >= "+arg(q.MinPriority))
	}
	now := micros(q.Now)
	switch q.SLA {
	case "breached":
		where = append(where, "(breached_at IS NOT NULL OR due_at <= "+arg(now)+")")
	case "at_risk":
		n := arg(now)
		where = append(where, "breached_at IS NULL AND due_at > "+n+" AND risk_from <= "+n)
	case "on_track":
		n := arg(now)
		where = append(where, "breached_at IS NULL AND due_at > "+n+" AND risk_from > "+n)
	}
	// The queue's order is highest priority first (or oldest first), ties
	// by age, then id; the ORDER BY and the cursor's condition both come
	// from keys, so that the two directions cannot disagree.
	keys := []queueKey{{"priority", true, q.AfterPriority}, {"created_at", false, micros(q.AfterCreated)}, {"id", false, q.AfterID}}
	if q.Sort == "age" {
		keys = keys[1:]
	}
	order := make([]string, len(keys))
	for i, k := range keys {
		order[i] = k.col
		if k.desc != q.Backward {
			order[i] += " DESC"
		}
	}
	if q.AfterID != "" {
		where = append(where, past(keys, q.Backward, arg))
	}
	rows, err := c.q.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM cases WHERE %s ORDER BY %s LIMIT %d",
		caseCols, strings.Join(where, " AND "), strings.Join(order, ", "), clampLimit(q.Limit, 500)), args...)
	return collect(rows, err, scanCase)
}

// queueKey is a column of the queue's order, whether it descends, and the
// cursor's value of it.
type queueKey struct {
	col  string
	desc bool
	at   any
}

// past is beyond with the first key's bound stated on its own as well
// (priority <= x AND (priority < x OR …)): PostgreSQL starts the index
// scan at that bound, where the OR alone made it read the queue from its
// far end, every case of it for the case before the top one.
func past(keys []queueKey, backward bool, arg func(any) string) string {
	k := keys[0]
	op := ">="
	if k.desc != backward {
		op = "<="
	}
	return k.col + " " + op + " " + arg(k.at) + " AND " + beyond(keys, backward, arg)
}

// beyond is the condition of the rows past the cursor in keys' order, or
// before it when backward: (a < x OR (a = x AND (b > y OR …))) for a
// descending and b ascending, each value bound once by arg.
func beyond(keys []queueKey, backward bool, arg func(any) string) string {
	k := keys[0]
	op := ">"
	if k.desc != backward {
		op = "<"
	}
	v := arg(k.at)
	if len(keys) == 1 {
		return k.col + " " + op + " " + v
	}
	return fmt.Sprintf("(%s %s %s OR (%s = %s AND %s))", k.col, op, v, k.col, v, beyond(keys[1:], backward, arg))
}

// CasesDue lists open cases, across marketplaces, that the sweep must
// look at by now: an expired claim, an SLA newly at risk, or a new breach.
func (c conn) CasesDue(ctx context.Context, now time.Time, limit int) ([]Case, error) {
	rows, err := c.q.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM cases WHERE status IN ('pending', 'reviewing')
		AND ((claim_expires_at IS NOT NULL AND claim_expires_at <= $1) OR (breached_at IS NULL AND due_at <= $1)
			OR (at_risk_at IS NULL AND risk_from <= $1))
		ORDER BY due_at, id LIMIT %d`, caseCols, clampLimit(limit, 1000)), micros(now))
	return collect(rows, err, scanCase)
}

// Report is one report filed on a target.
type Report struct {
	ID             string
	MarketplaceID  string
	Reference      string
	CaseID         string
	TargetType     string
	TargetID       string
	AccountID      string
	Reason         string
	ReasonGroup    string
	Details        string
	ReporterID     string
	ReporterType   string
	Weight         float64
	IdempotencyKey string
	Fingerprint    string
	Status         string // open, closed
	Outcome        string // upheld, dismissed, unfounded
	CreatedAt      time.Time
	ClosedAt       time.Time
	// Notice is a DSA notice's own fields (JSON), empty for other reports.
	Notice string
}

const reportCols = `id, marketplace_id, reference, case_id, target_type, target_id, account_id, reason, reason_group, details,
	reporter_id, reporter_type, weight, COALESCE(idempotency_key, ''), fingerprint, status, outcome, created_at, closed_at, notice`

// CreateReport inserts r. A reused reference or idempotency key is
// ErrConflict.
func (tx *Tx) CreateReport(ctx context.Context, r Report) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO reports (`+reportInsertCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`, r.args()...)
	if isUniqueViolation(err) {
		return fmt.Errorf("report %s: %w", r.Reference, ErrConflict)
	}
	return err
}

// reportInsertCols are the columns a new report fills, in args' order.
const reportInsertCols = `id, marketplace_id, reference, case_id, target_type, target_id, account_id, reason,
	reason_group, details, reporter_id, reporter_type, weight, idempotency_key, fingerprint, status, outcome, created_at, closed_at, notice`

func (r Report) args() []any {
	return []any{r.ID, r.MarketplaceID, r.Reference, r.CaseID, r.TargetType, r.TargetID, r.AccountID, r.Reason, r.ReasonGroup, r.Details,
		r.ReporterID, r.ReporterType, r.Weight, nullString(r.IdempotencyKey), r.Fingerprint, r.Status, r.Outcome, micros(r.CreatedAt), optMicros(r.ClosedAt),
		r.Notice}
}

func scanReport(rows *sql.Rows) (Report, error) {
	var r Report
	var created int64
	var closed sql.NullInt64
	err := rows.Scan(&r.ID, &r.MarketplaceID, &r.Reference, &r.CaseID, &r.TargetType, &r.TargetID, &r.AccountID, &r.Reason,
		&r.ReasonGroup, &r.Details, &r.ReporterID, &r.ReporterType, &r.Weight, &r.IdempotencyKey, &r.Fingerprint, &r.Status,
		&r.Outcome, &created, &closed, &r.Notice)
	r.CreatedAt, r.ClosedAt = fromMicros(created), nullMicros(closed)
	return r, err
}

func (c conn) reports(ctx context.Context, where string, args ...any) ([]Report, error) {
	rows, err := c.q.QueryContext(ctx, "SELECT "+reportCols+" FROM reports WHERE "+where, args...)
	return collect(rows, err, scanReport)
}

// ReportByReference loads a marketplace's report by its reference number.
func (c conn) ReportByReference(ctx context.Context, marketplaceID, reference string) (Report, error) {
	rows, err := c.q.QueryContext(ctx, "SELECT "+reportCols+" FROM reports WHERE marketplace_id = $1 AND reference = $2", marketplaceID, reference)
	return one(rows, err, scanReport, "report "+reference)
}

// ReportByIdempotencyKey finds the report a retried request filed.
func (c conn) ReportByIdempotencyKey(ctx context.Context, marketplaceID, key string) (Report, error) {
	rows, err := c.q.QueryContext(ctx, "SELECT "+reportCols+" FROM reports WHERE marketplace_id = $1 AND idempotency_key = $2", marketplaceID, key)
	return one(rows, err, scanReport, "report with key "+key)
}

// CaseReports lists a case's reports, oldest first (at most limit).
func (c conn) CaseReports(ctx context.Context, caseID string, limit int) ([]Report, error) {
	return c.reports(ctx, fmt.Sprintf("case_id = $1 ORDER BY created_at, id LIMIT %d", clampLimit(limit, 1000)), caseID)
}

// ReportReferences returns the first per references of each case's
// reports, oldest first.
func (c conn) ReportReferences(ctx context.Context, caseIDs []string, per int) (map[string][]string, error) {
	out := map[string][]string{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(caseIDs))
	ph := make([]string, len(caseIDs))
	for i, id := range caseIDs {
		args[i], ph[i] = id, fmt.Sprintf("$%d", i+1)
	}
	rows, err := c.q.QueryContext(ctx, `SELECT case_id, reference FROM reports WHERE case_id IN (`+strings.Join(ph, ", ")+`)
		ORDER BY case_id, created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return nil, err
		}
		if len(out[id]) < per {
			out[id] = append(out[id], ref)
		}
	}
	return out, rows.Err()
}

// CaseReporter is one distinct reporter of a case with their track record.
type CaseReporter struct {
	Reporter
	// Type is the reporter type they reported as.
	Type string
}

// CaseReporters lists a case's distinct reporters with their records, in
// one query however large the cluster.
func (c conn) CaseReporters(ctx context.Context, marketplaceID, caseID string) ([]CaseReporter, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT r.reporter_id, r.type, COALESCE(p.upheld, 0), COALESCE(p.dismissed, 0), COALESCE(p.unfounded, 0),
		p.warned_at, p.suspended_until
		FROM (SELECT reporter_id, MIN(reporter_type) AS type FROM reports WHERE case_id = $2 GROUP BY reporter_id) r
		LEFT JOIN reporters p ON p.marketplace_id = $1 AND p.reporter_id = r.reporter_id
		ORDER BY r.reporter_id`, marketplaceID, caseID)
	return collect(rows, err, func(rows *sql.Rows) (CaseReporter, error) {
		r := CaseReporter{Reporter: Reporter{MarketplaceID: marketplaceID}}
		var warned, suspended sql.NullInt64
		err := rows.Scan(&r.ReporterID, &r.Type, &r.Upheld, &r.Dismissed, &r.Unfounded, &warned, &suspended)
		r.WarnedAt, r.SuspendedUntil = nullMicros(warned), nullMicros(suspended)
		return r, err
	})
}

// CountReports counts a marketplace's reports on a target (or, with
// targetType "account", on everything of that account) since a time.
func (c conn) CountReports(ctx context.Context, marketplaceID, targetType, targetID string, since time.Time) (int, error) {
	q := `SELECT COUNT(*) FROM reports WHERE marketplace_id = $1 AND target_type = $2 AND target_id = $3 AND created_at >= $4`
	args := []any{marketplaceID, targetType, targetID, micros(since)}
	if targetType == "account" {
		q = `SELECT COUNT(*) FROM reports WHERE marketplace_id = $1 AND account_id = $2 AND created_at >= $3`
		args = []any{marketplaceID, targetID, micros(since)}
	}
	var n int
	err := c.q.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

// CloseReports closes a case's open reports with an outcome and returns
// them.
func (tx *Tx) CloseReports(ctx context.Context, caseID, outcome string, at time.Time) ([]Report, error) {
	open, err := tx.reports(ctx, "case_id = $1 AND status = 'open' ORDER BY created_at, id", caseID)
	if err != nil {
		return nil, err
	}
	_, err = tx.q.ExecContext(ctx, `UPDATE reports SET status = 'closed', outcome = $2, closed_at = $3 WHERE case_id = $1 AND status = 'open'`,
		caseID, outcome, micros(at))
	return open, err
}

// CountUnfounded counts a reporter's reports closed as unfounded since a
// time.
func (c conn) CountUnfounded(ctx context.Context, marketplaceID, reporterID string, since time.Time) (int, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports WHERE marketplace_id = $1 AND reporter_id = $2 AND outcome = 'unfounded'
		AND closed_at >= $3`, marketplaceID, reporterID, micros(since)).Scan(&n)
	return n, err
}

// Reporter is a reporter's track record and misuse state.
type Reporter struct {
	MarketplaceID  string
	ReporterID     string
	Upheld         int
	Dismissed      int
	Unfounded      int
	WarnedAt       time.Time
	SuspendedUntil time.Time
}

// Reporter loads a reporter's record; one never seen has a zero record.
func (c conn) Reporter(ctx context.Context, marketplaceID, reporterID string) (Reporter, error) {
	r := Reporter{MarketplaceID: marketplaceID, ReporterID: reporterID}
	var warned, suspended sql.NullInt64
	err := c.q.QueryRowContext(ctx, `SELECT upheld, dismissed, unfounded, warned_at, suspended_until FROM reporters
		WHERE marketplace_id = $1 AND reporter_id = $2`, marketplaceID, reporterID).Scan(&r.Upheld, &r.Dismissed, &r.Unfounded, &warned, &suspended)
	if isNoRows(err) {
		return r, nil
	}
	r.WarnedAt, r.SuspendedUntil = nullMicros(warned), nullMicros(suspended)
	return r, err
}

// SaveReporter stores a reporter's record.
func (tx *Tx) SaveReporter(ctx context.Context, r Reporter) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO reporters (marketplace_id, reporter_id, upheld, dismissed, unfounded, warned_at, suspended_until)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (marketplace_id, reporter_id) DO UPDATE SET upheld = excluded.upheld,
		dismissed = excluded.dismissed, unfounded = excluded.unfounded, warned_at = excluded.warned_at, suspended_until = excluded.suspended_until`,
		r.MarketplaceID, r.ReporterID, r.Upheld, r.Dismissed, r.Unfounded, optMicros(r.WarnedAt), optMicros(r.SuspendedUntil))
	return err
}

// CaseEvent is one step in a case's history.
type CaseEvent struct {
	ID            string
	MarketplaceID string
	CaseID        string
	At            time.Time
	ActorType     string
	ActorID       string
	Kind          string
	Detail        json.RawMessage
}

// AddCaseEvent appends a step to a case's history.
func (tx *Tx) AddCaseEvent(ctx context.Context, e CaseEvent) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO case_events (`+caseEventCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.args()...)
	return err
}

// caseEventCols are case_events' columns in args' order.
const caseEventCols = "id, marketplace_id, case_id, at, actor_type, actor_id, kind, detail"

func (e CaseEvent) args() []any {
	return []any{e.ID, e.MarketplaceID, e.CaseID, micros(e.At), e.ActorType, e.ActorID, e.Kind, string(e.Detail)}
}

// CaseEvents lists a case's history, oldest first.
func (c conn) CaseEvents(ctx context.Context, caseID string) ([]CaseEvent, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id, marketplace_id, case_id, at, actor_type, actor_id, kind, detail FROM case_events
		WHERE case_id = $1 ORDER BY at, id LIMIT 2000`, caseID)
	return collect(rows, err, func(rows *sql.Rows) (CaseEvent, error) {
		var e CaseEvent
		var at int64
		var detail string
		err := rows.Scan(&e.ID, &e.MarketplaceID, &e.CaseID, &at, &e.ActorType, &e.ActorID, &e.Kind, &detail)
		e.At, e.Detail = fromMicros(at), json.RawMessage(detail)
		return e, err
	})
}

// Alert is a console banner: a spike, or an SLA at risk or breached.
type Alert struct {
	ID             string
	MarketplaceID  string
	Kind           string
	CaseID         string
	Detail         string
	CreatedAt      time.Time
	AcknowledgedAt time.Time
	AcknowledgedBy string
}

// CreateAlert stores an alert.
func (tx *Tx) CreateAlert(ctx context.Context, a Alert) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO alerts (`+alertInsertCols+`) VALUES ($1, $2, $3, $4, $5, $6)`, a.args()...)
	return err
}

// alertInsertCols are the columns a new alert fills, in args' order.
const alertInsertCols = "id, marketplace_id, kind, case_id, detail, created_at"

func (a Alert) args() []any {
	return []any{a.ID, a.MarketplaceID, a.Kind, a.CaseID, a.Detail, micros(a.CreatedAt)}
}

// OpenAlerts lists a marketplace's unacknowledged alerts of cases still
// open since a time, newest first.
func (c conn) OpenAlerts(ctx context.Context, marketplaceID string, since time.Time, limit int) ([]Alert, error) {
	rows, err := c.q.QueryContext(ctx, fmt.Sprintf(`SELECT a.id, a.marketplace_id, a.kind, a.case_id, a.detail, a.created_at FROM alerts a
		JOIN cases k ON k.id = a.case_id AND k.status IN ('pending', 'reviewing')
		WHERE a.marketplace_id = $1 AND a.acknowledged_at IS NULL AND a.created_at >= $2 ORDER BY a.created_at DESC, a.id DESC LIMIT %d`, clampLimit(limit, 200)),
		marketplaceID, micros(since))
	return collect(rows, err, func(rows *sql.Rows) (Alert, error) {
		var a Alert
		var at int64
		err := rows.Scan(&a.ID, &a.MarketplaceID, &a.Kind, &a.CaseID, &a.Detail, &at)
		a.CreatedAt = fromMicros(at)
		return a, err
	})
}

// AcknowledgeAlert marks an alert seen by a user.
func (tx *Tx) AcknowledgeAlert(ctx context.Context, marketplaceID, id, userID string, at time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE alerts SET acknowledged_at = $3, acknowledged_by = $4 WHERE marketplace_id = $1 AND id = $2
		AND acknowledged_at IS NULL`, marketplaceID, id, micros(at), userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("open alert %s: %w", id, ErrNotFound)
	}
	return nil
}

// TouchUser records a user's console activity, at most once per minute.
func (tx *Tx) TouchUser(ctx context.Context, userID string, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE users SET last_seen_at = $2 WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < $3)`,
		userID, micros(at), micros(at.Add(-time.Minute)))
	return err
}

// Moderator is a user who works cases, with their current load.
type Moderator struct {
	UserID   string
	Username string
	Role     string
	LastSeen time.Time
	// Open is how many open cases they hold.
	Open int
}

// OnlineModerators lists the users of a marketplace (or operators) with a
// moderating role seen since a time, least loaded first.
func (c conn) OnlineModerators(ctx context.Context, marketplaceID string, roles []string, since time.Time) ([]Moderator, error) {
	args := []any{marketplaceID, micros(since)}
	var in []string
	for _, r := range roles {
		args = append(args, r)
		in = append(in, fmt.Sprintf("$%d", len(args)))
	}
	rows, err := c.q.QueryContext(ctx, `SELECT u.id, u.username, u.role, u.last_seen_at,
		(SELECT COUNT(*) FROM cases k WHERE k.marketplace_id = $1 AND k.assignee_id = u.id AND k.status IN ('pending', 'reviewing'))
		FROM users u WHERE (u.marketplace_id = $1 OR u.marketplace_id IS NULL) AND u.disabled_at IS NULL AND u.last_seen_at >= $2
		AND u.role IN (`+strings.Join(in, ", ")+`) ORDER BY 5, u.last_seen_at DESC, u.id`, args...)
	return collect(rows, err, func(rows *sql.Rows) (Moderator, error) {
		var m Moderator
		var seen int64
		err := rows.Scan(&m.UserID, &m.Username, &m.Role, &seen, &m.Open)
		m.LastSeen = fromMicros(seen)
		return m, err
	})
}

// QueueStats are a marketplace's queue figures at a time.
type QueueStats struct {
	Open, Unassigned, AtRisk, Breached int
	OldestCreated                      time.Time
	ByGroup                            map[string]int
}

// QueueStats counts a marketplace's open cases.
func (c conn) QueueStats(ctx context.Context, marketplaceID string, now time.Time) (QueueStats, error) {
	s := QueueStats{ByGroup: map[string]int{}}
	rows, err := c.q.QueryContext(ctx, `SELECT reason_group, COUNT(*), SUM(CASE WHEN assignee_id IS NULL OR claim_expires_at <= $2 THEN 1 ELSE 0 END),
		SUM(CASE WHEN breached_at IS NULL AND due_at > $2 AND risk_from <= $2 THEN 1 ELSE 0 END),
		SUM(CASE WHEN breached_at IS NOT NULL OR due_at <= $2 THEN 1 ELSE 0 END), MIN(created_at)
		FROM cases WHERE marketplace_id = $1 AND status IN ('pending', 'reviewing') GROUP BY reason_group`, marketplaceID, micros(now))
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var g string
		var n, un, risk, breached int
		var oldest int64
		if err := rows.Scan(&g, &n, &un, &risk, &breached, &oldest); err != nil {
			return s, err
		}
		s.ByGroup[g] = n
		s.Open, s.Unassigned, s.AtRisk, s.Breached = s.Open+n, s.Unassigned+un, s.AtRisk+risk, s.Breached+breached
		if t := fromMicros(oldest); s.OldestCreated.IsZero() || t.Before(s.OldestCreated) {
			s.OldestCreated = t
		}
	}
	return s, rows.Err()
}

// CaseBucket is the moderation queue over one span of time (an hour or a
// day) starting at Start.
type CaseBucket struct {
	Start time.Time
	// Opened and Closed are the cases opened and closed in the span; Open
	// is how many were open at its end.
	Opened, Closed, Open int
	// ClosedInSLA of Closed were closed by their due time.
	ClosedInSLA int
	// AgeHours is the mean age of the cases closed in the span.
	AgeHours float64
	// Automated counts the automated checks' decisions in the span; the
	// decisions people took are the Closed cases.
	Automated int
}

// CaseHistory returns the marketplace's queue in n consecutive spans of
// the given length starting at from. Each figure is one indexed query
// grouped by span, whatever the number of spans or of cases: the open
// count at a span's end is derived from the cases open now and those
// opened and closed since, never by reading every case.
func (c conn) CaseHistory(ctx context.Context, marketplaceID string, from time.Time, span time.Duration, n int) ([]CaseBucket, error) {
	out := make([]CaseBucket, n)
	for i := range out {
		out[i].Start = from.Add(time.Duration(i) * span)
	}
	start, width, end := micros(from), span.Microseconds(), micros(from.Add(time.Duration(n)*span))
	// bucketed runs a query whose rows are (span index, values…).
	bucketed := func(q string, scan func(rows *sql.Rows) error) error {
		rows, err := c.q.QueryContext(ctx, q, marketplaceID, start, width, end)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	if err := bucketed(`SELECT (created_at - $2) / $3, COUNT(*) FROM cases
		WHERE marketplace_id = $1 AND created_at >= $2 AND created_at < $4 GROUP BY 1`, func(rows *sql.Rows) error {
		var i, v int
		if err := rows.Scan(&i, &v); err != nil {
			return err
		}
		out[i].Opened = v
		return nil
	}); err != nil {
		return nil, fmt.Errorf("cases opened: %w", err)
	}
	if err := bucketed(`SELECT (resolved_at - $2) / $3, COUNT(*), SUM(CASE WHEN resolved_at <= due_at THEN 1 ELSE 0 END),
		AVG((resolved_at - created_at) / 3600000000.0) FROM cases
		WHERE marketplace_id = $1 AND resolved_at >= $2 AND resolved_at < $4 GROUP BY 1`, func(rows *sql.Rows) error {
		var i, v, inSLA int
		var age float64
		if err := rows.Scan(&i, &v, &inSLA, &age); err != nil {
			return err
		}
		out[i].Closed, out[i].ClosedInSLA, out[i].AgeHours = v, inSLA, age
		return nil
	}); err != nil {
		return nil, fmt.Errorf("cases closed: %w", err)
	}
	if err := bucketed(`SELECT (created_at - $2) / $3, COUNT(*) FROM decisions
		WHERE marketplace_id = $1 AND created_at >= $2 AND created_at < $4 GROUP BY 1`, func(rows *sql.Rows) error {
		var i, v int
		if err := rows.Scan(&i, &v); err != nil {
			return err
		}
		out[i].Automated = v
		return nil
	}); err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	// Open at T = unresolved now + resolved at or after T - created at or
	// after T (a case is resolved after it is created).
	var unresolved, resolvedAfter, createdAfter int
	if err := c.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM cases WHERE marketplace_id = $1 AND resolved_at IS NULL),
		(SELECT COUNT(*) FROM cases WHERE marketplace_id = $1 AND resolved_at >= $2),
		(SELECT COUNT(*) FROM cases WHERE marketplace_id = $1 AND created_at >= $2)`, marketplaceID, end).Scan(&unresolved, &resolvedAfter, &createdAfter); err != nil {
		return nil, fmt.Errorf("open cases: %w", err)
	}
	open := unresolved + resolvedAfter - createdAfter
	for i := n - 1; i >= 0; i-- {
		out[i].Open = open
		open += out[i].Closed - out[i].Opened
	}
	return out, nil
}
