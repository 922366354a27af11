// Package user owns console users, their roles, passwords (argon2id) and
// login sessions. Session cookies carry a random token; only its hash is
// stored, so a copy of the database does not let anyone log in.
package user

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// Role is what a console user may do.
type Role string

// The console roles, least to most privileged for moderation; admin also
// manages marketplaces, keys, users and webhooks.
const (
	Agent           Role = "agent"
	SeniorModerator Role = "senior_moderator"
	AppealsReviewer Role = "appeals_reviewer"
	Admin           Role = "admin"
)

// Roles lists the roles.
func Roles() []Role { return []Role{Agent, SeniorModerator, AppealsReviewer, Admin} }

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("%w: unknown role %q (one of agent, senior_moderator, appeals_reviewer, admin)", ErrInvalid, s)
}

// Errors of this package.
var (
	ErrInvalid   = errors.New("invalid")
	ErrBadLogin  = errors.New("wrong username or password")
	ErrNoSession = errors.New("not logged in")
)

// LockedError is a login refused while its username is locked out after
// failed attempts; it says until when.
type LockedError struct{ Until time.Time }

func (e LockedError) Error() string {
	return "too many failed logins: locked until " + e.Until.UTC().Format(time.RFC3339)
}

// The login lockout (Vigil's choice): after FreeAttempts failures in a row
// a username is locked for a minute, twice as long for each further
// failure, at most an hour; failures a day old are forgotten.
const (
	FreeAttempts = 5
	firstLockout = time.Minute
	maxLockout   = time.Hour
	forgetAfter  = 24 * time.Hour
)

// lockout is how long a username is locked after its nth failure in a row.
func lockout(n int) time.Duration {
	if n < FreeAttempts {
		return 0
	}
	d := firstLockout
	for i := FreeAttempts; i < n && d < maxLockout; i++ {
		d *= 2
	}
	return min(d, maxLockout)
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// SessionTTL is how long a console login lasts.
const SessionTTL = 12 * time.Hour

// Service manages users and sessions.
type Service struct{ svc.Deps }

// New returns a Service.
func New(d svc.Deps) *Service { return &Service{d} }

// failed counts a failed login of username, known or not, and returns
// ErrBadLogin, or the lockout it starts.
func (s *Service) failed(ctx context.Context, username string, now time.Time) error {
	var f store.LoginFailures
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		f, err = tx.RecordLoginFailure(ctx, username, now, forgetAfter, lockout)
		return err
	})
	switch {
	case err != nil:
		return err
	case !f.LockedUntil.IsZero():
		return LockedError{Until: f.LockedUntil}
	}
	return ErrBadLogin
}

// Create adds a user. marketplaceID empty makes an operator user who may
// work in every marketplace.
func (s *Service) Create(ctx context.Context, actor audit.Actor, username, password string, role Role, marketplaceID string) (store.User, error) {
	username = strings.TrimSpace(username)
	if username == "" || len(username) > 100 || strings.ContainsAny(username, " \t\r\n") {
		return store.User{}, fmt.Errorf("%w: a username of 1 to 100 characters without spaces is required", ErrInvalid)
	}
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return store.User{}, fmt.Errorf("%w: the password needs at least %d characters", ErrInvalid, MinPasswordLen)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return store.User{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return store.User{}, err
	}
	u := store.User{ID: s.NewID(), MarketplaceID: marketplaceID, Username: username, PasswordHash: hash, Role: string(role), CreatedAt: s.Now()}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if marketplaceID != "" {
			if _, err := tx.Marketplace(ctx, marketplaceID); err != nil {
				return err
			}
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, actor, "user.created", "user", u.ID,
			map[string]string{"username": username, "role": string(role)}, u.CreatedAt)
	})
	return u, err
}

// Login checks a username and password and opens a session. The returned
// token goes in the cookie; a wrong username and a wrong password fail alike.
func (s *Service) Login(ctx context.Context, username, password string) (token string, u store.User, err error) {
	username = strings.TrimSpace(username)
	now := s.Now()
	if f, err := s.DB.LoginFailuresOf(ctx, username); err != nil {
		return "", u, err
	} else if f.LockedUntil.After(now) {
		return "", u, LockedError{Until: f.LockedUntil}
	}
	u, err = s.DB.UserByName(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		// Spend the same time as a real check so that timing does not
		// reveal which usernames exist.
		CheckPassword("$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", password)
		return "", u, s.failed(ctx, username, now)
	}
	if err != nil {
		return "", u, err
	}
	if !CheckPassword(u.PasswordHash, password) || !u.DisabledAt.IsZero() {
		return "", u, s.failed(ctx, username, now)
	}
	token, err = randomToken()
	if err != nil {
		return "", u, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", u, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClearLoginFailures(ctx, username); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, store.Session{IDHash: hashToken(token), UserID: u.ID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}); err != nil {
			return err
		}
		return tx.Audit(ctx, u.MarketplaceID, audit.Actor{Type: audit.ActorUser, ID: u.ID}, "user.login", "user", u.ID, struct{}{}, now)
	})
	return token, u, err
}

// Session resolves a cookie token to its session and user.
func (s *Service) Session(ctx context.Context, token string) (store.Session, store.User, error) {
	if token == "" {
		return store.Session{}, store.User{}, ErrNoSession
	}
	sess, u, err := s.DB.SessionUser(ctx, hashToken(token), s.Now())
	if errors.Is(err, store.ErrNotFound) {
		return sess, u, ErrNoSession
	}
	return sess, u, err
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, hashToken(token)) })
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// Argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns a PHC-formatted argon2id hash.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword compares a password with a hash made by HashPassword,
// honouring the parameters stored in the hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
