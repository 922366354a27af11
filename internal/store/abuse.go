package store

import (
	"context"
	"database/sql"
	"time"
)

// LoginFailures are a username's failed console logins since its last
// success, and until when it is locked out.
type LoginFailures struct {
	Failures    int
	LockedUntil time.Time
}

// LoginFailuresOf returns a username's failed logins; none for a username
// with no failures.
func (c conn) LoginFailuresOf(ctx context.Context, username string) (LoginFailures, error) {
	var f LoginFailures
	var until int64
	err := c.q.QueryRowContext(ctx, `SELECT failures, locked_until FROM login_failures WHERE username = $1`, username).Scan(&f.Failures, &until)
	if isNoRows(err) {
		return LoginFailures{}, nil
	}
	f.LockedUntil = fromMicros(until)
	return f, err
}

// RecordLoginFailure counts a failed login of username at now and sets
// the lockout lock(failures) returns, from now; zero locks nothing. A
// failure after a lockout has ended counts on, so the lockouts grow;
// failures older than forget are forgotten.
func (tx *Tx) RecordLoginFailure(ctx context.Context, username string, now time.Time, forget time.Duration, lock func(failures int) time.Duration) (LoginFailures, error) {
	var n int
	err := tx.q.QueryRowContext(ctx, `INSERT INTO login_failures (username, failures, last_at, locked_until) VALUES ($1, 1, $2, 0)
		ON CONFLICT (username) DO UPDATE SET last_at = excluded.last_at,
			failures = CASE WHEN login_failures.last_at < $3 THEN 1 ELSE login_failures.failures + 1 END
		RETURNING failures`, username, micros(now), micros(now.Add(-forget))).Scan(&n)
	if err != nil {
		return LoginFailures{}, err
	}
	f := LoginFailures{Failures: n}
	if d := lock(n); d > 0 {
		f.LockedUntil = now.Add(d)
		_, err = tx.q.ExecContext(ctx, `UPDATE login_failures SET locked_until = $2 WHERE username = $1`, username, micros(f.LockedUntil))
	}
	return f, err
}

// ClearLoginFailures forgets a username's failed logins after a success.
func (tx *Tx) ClearLoginFailures(ctx context.Context, username string) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM login_failures WHERE username = $1`, username)
	return err
}

// ReportsSince counts the reports a reporter filed from since on and
// returns when the first of them was filed.
func (c conn) ReportsSince(ctx context.Context, marketplaceID, reporterID string, since time.Time) (int, time.Time, error) {
	var n int
	var first sql.NullInt64
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*), MIN(created_at) FROM reports WHERE marketplace_id = $1 AND reporter_id = $2 AND created_at >= $3`,
		marketplaceID, reporterID, micros(since)).Scan(&n, &first)
	return n, fromMicros(first.Int64), err
}
