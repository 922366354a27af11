package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/fraud"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/outbox"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/tenant"
	"github.com/vigil-ts/vigil/internal/user"
)

// Pages for administrators: marketplaces, API keys, webhooks and users.
//
// Each page's data is built from view types that leave out password
// hashes, key hashes and webhook secrets, so no template can print them by
// mistake; a secret appears only in the once-only panel of the response
// that created it.

// form is the state of a page's create form after a post.
type form struct {
	// Error is a validation message the user can act on.
	Error string
	// Values are the fields as sent, to fill the form again after an error.
	Values url.Values
}

// outcome sorts the result of a form's action: success (200), a mistake
// the user can fix (422 and a message to show on the form), something the
// user's role or the item's state does not allow (403 and the reason), or
// an unexpected error, returned for the generic error page. conflict is
// the message for store.ErrConflict.
func outcome(err error, conflict string) (status int, f form, unexpected error) {
	if err == nil {
		return http.StatusOK, form{}, nil
	}
	if errors.Is(err, store.ErrConflict) {
		return http.StatusUnprocessableEntity, form{Error: conflict}, nil
	}
	for _, k := range []struct {
		err    error
		status int
	}{
		{user.ErrInvalid, http.StatusUnprocessableEntity},
		{tenant.ErrInvalid, http.StatusUnprocessableEntity},
		{outbox.ErrInvalid, http.StatusUnprocessableEntity},
		{fraud.ErrInvalid, http.StatusUnprocessableEntity},
		{cases.ErrInvalid, http.StatusUnprocessableEntity},
		{cases.ErrForbidden, http.StatusForbidden},
		{enforce.ErrInvalid, http.StatusUnprocessableEntity},
		{enforce.ErrForbidden, http.StatusForbidden},
		{appeal.ErrInvalid, http.StatusUnprocessableEntity},
		{appeal.ErrClosed, http.StatusUnprocessableEntity},
		{appeal.ErrDuplicate, http.StatusUnprocessableEntity},
		{appeal.ErrForbidden, http.StatusForbidden},
		{listing.ErrInvalid, http.StatusUnprocessableEntity},
		{listing.ErrForbidden, http.StatusForbidden},
	} {
		if errors.Is(err, k.err) {
			return k.status, form{Error: sentence(strings.TrimPrefix(err.Error(), k.err.Error()+": "))}, nil
		}
	}
	return 0, form{}, err
}

// sentence capitalises msg and ends it with a full stop.
func sentence(msg string) string {
	msg = sentenceCase(msg)
	if msg != "" && !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// sentenceCase capitalises msg's first letter.
func sentenceCase(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if n == 0 {
		return msg
	}
	return string(unicode.ToUpper(r)) + msg[n:]
}

// settle ends an item's form post as every such form does: on success
// (err nil) back to page with the confirmation code; on a refusal the
// user can read (see outcome), again shows the item's page with the
// status and the message, nothing changed; anything else is returned for
// the error page. conflict is the message for a concurrent change.
func settle(w http.ResponseWriter, r *http.Request, v *viewer, err error, conflict, page, code string, again func(status int, f form) error) error {
	status, f, err := outcome(err, conflict)
	switch {
	case err != nil:
		return err
	case status == http.StatusOK:
		return done(w, r, v, page, code)
	}
	return again(status, f)
}

// refill puts a refused post's message and fields into the form a page's
// data embeds.
func (f *form) refill(refused form) { *f = refused }

// reload is settle's again for an item page (see itemPage) whose data
// embeds form: the item's page as load gathers it, with the refusal and
// the fields as sent.
func reload[T any, P interface {
	*T
	refill(form)
}](c *server, w http.ResponseWriter, r *http.Request, v *viewer, page, id string, load func(context.Context, *viewer, string) (T, error)) func(int, form) error {
	return func(status int, f form) error {
		d, err := load(r.Context(), v, id)
		if err != nil {
			return err
		}
		f.Values = r.PostForm
		P(&d).refill(f)
		return c.render(w, r, status, page, d)
	}
}

// done ends a successful button post by going back to page (in the same
// marketplace) with a confirmation; htmx follows the redirect and swaps the
// refreshed page's main element in. page may carry a query of its own,
// which is kept.
func done(w http.ResponseWriter, r *http.Request, v *viewer, page, code string) error {
	path, query, _ := strings.Cut(page, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return err
	}
	q.Set("done", code)
	if v.mp != nil {
		q.Set("mp", v.mp.ID)
	}
	http.Redirect(w, r, consolePath+path+"?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// secret is a credential shown once, right after it was created.
type secret struct {
	Label string // what it is for
	Value string
}

// --- Marketplaces -----------------------------------------------------------

type marketplacesData struct {
	form
	Marketplaces []store.Marketplace
	Created      *store.Marketplace
	Secret       *secret
}

func (c *server) marketplaces(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return c.render(w, r, http.StatusOK, "marketplaces", marketplacesData{Marketplaces: v.mps})
}

func (c *server) createMarketplace(w http.ResponseWriter, r *http.Request, v *viewer) error {
	created, err := c.d.Tenants.CreateMarketplace(r.Context(), v.actor(), r.PostFormValue("name"))
	status, f, err := outcome(err, "A marketplace with that name already exists.")
	if err != nil {
		return err
	}
	d := marketplacesData{form: f}
	if status == http.StatusOK {
		d.Created = &created.Marketplace
		d.Secret = &secret{Label: "API key of " + created.Marketplace.Name, Value: created.Secret}
	} else {
		d.Values = r.PostForm
	}
	// Reload the list: it now includes the new marketplace.
	if d.Marketplaces, err = c.d.DB.Marketplaces(r.Context()); err != nil {
		return err
	}
	return c.render(w, r, status, "marketplaces", d)
}

// --- API keys ---------------------------------------------------------------

// keyView is an API key without its hash.
type keyView struct {
	ID, Name, Prefix     string
	CreatedAt, RevokedAt time.Time
}

type keysData struct {
	form
	Keys   []keyView
	Secret *secret
}

func (c *server) loadKeys(ctx context.Context, v *viewer) (keysData, error) {
	keys, err := c.d.DB.APIKeys(ctx, v.mp.ID)
	if err != nil {
		return keysData{}, err
	}
	d := keysData{Keys: make([]keyView, len(keys))}
	for i, k := range keys {
		d.Keys[i] = keyView{ID: k.ID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt}
	}
	return d, nil
}

func (c *server) keys(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	d, err := c.loadKeys(r.Context(), v)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "keys", d)
}

func (c *server) createKey(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	k, value, err := c.d.Tenants.CreateKey(r.Context(), v.actor(), v.mp.ID, r.PostFormValue("name"))
	status, f, err := outcome(err, "")
	if err != nil {
		return err
	}
	d, err := c.loadKeys(r.Context(), v)
	if err != nil {
		return err
	}
	d.form = f
	if status == http.StatusOK {
		d.Secret = &secret{Label: "API key " + k.Name, Value: value}
	} else {
		d.Values = r.PostForm
	}
	return c.render(w, r, status, "keys", d)
}

func (c *server) revokeKey(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return store.ErrNotFound
	}
	if err := c.d.Tenants.RevokeKey(r.Context(), v.actor(), v.mp.ID, r.PathValue("id")); err != nil {
		return err
	}
	return done(w, r, v, "admin/keys", "key-revoked")
}

// --- Webhooks ---------------------------------------------------------------

// subscriptionView is a webhook subscription without its signing secret,
// with its recent deliveries.
type subscriptionView struct {
	ID, URL, Description string
	EventTypes           []string
	CreatedAt            time.Time
	DisabledAt           time.Time
	DisabledReason       string
	Deliveries           []store.WebhookDelivery
}

type webhooksData struct {
	form
	Subscriptions []subscriptionView
	// CanManage allows creating and disabling subscriptions; CanSend
	// allows sending tests and retrying, which also need the job queue.
	CanManage, CanSend bool
	Secret             *secret
}

// recentDeliveries is how many deliveries are listed per subscription.
const recentDeliveries = 20

func (c *server) loadWebhooks(ctx context.Context, v *viewer) (webhooksData, error) {
	subs, err := c.d.DB.WebhookSubscriptions(ctx, v.mp.ID)
	if err != nil {
		return webhooksData{}, err
	}
	d := webhooksData{
		Subscriptions: make([]subscriptionView, len(subs)),
		CanManage:     c.d.Outbox != nil,
		CanSend:       c.d.Outbox != nil && c.d.Outbox.Queue != nil,
	}
	for i, s := range subs {
		ds, err := c.d.DB.WebhookDeliveries(ctx, v.mp.ID, s.ID, recentDeliveries)
		if err != nil {
			return d, err
		}
		d.Subscriptions[i] = subscriptionView{ID: s.ID, URL: s.URL, Description: s.Description, EventTypes: s.EventTypes,
			CreatedAt: s.CreatedAt, DisabledAt: s.DisabledAt, DisabledReason: s.DisabledReason, Deliveries: ds}
	}
	return d, nil
}

func (c *server) webhooks(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	d, err := c.loadWebhooks(r.Context(), v)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "webhooks", d)
}

// commaList splits a comma-separated list, dropping blanks and repeats:
// a subscription's event types (none means every type), the fields a
// seller must change.
func commaList(s string) []string {
	var out []string
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func (c *server) subscribe(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	if c.d.Outbox == nil {
		return store.ErrNotFound
	}
	sub, err := c.d.Outbox.Subscribe(r.Context(), v.actor(), v.mp.ID, r.PostFormValue("url"),
		commaList(r.PostFormValue("event_types")), strings.TrimSpace(r.PostFormValue("description")))
	status, f, err := outcome(err, "")
	if err != nil {
		return err
	}
	d, err := c.loadWebhooks(r.Context(), v)
	if err != nil {
		return err
	}
	d.form = f
	if status == http.StatusOK {
		d.Secret = &secret{Label: "Signing secret for " + sub.URL, Value: sub.Secret}
	} else {
		d.Values = r.PostForm
	}
	return c.render(w, r, status, "webhooks", d)
}

// webhookAction runs one of the webhook buttons (test, disable, retry) on
// the item named in the path and goes back to the webhooks page.
func (c *server) webhookAction(act func(ctx context.Context, v *viewer, id string) error, code string, needQueue bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		if v.mp == nil || c.d.Outbox == nil || (needQueue && c.d.Outbox.Queue == nil) {
			return store.ErrNotFound
		}
		err := act(r.Context(), v, r.PathValue("id"))
		if errors.Is(err, outbox.ErrInvalid) {
			// Such as testing a subscription disabled meanwhile.
			c.errorPage(w, r, http.StatusUnprocessableEntity, "Not possible", sentence(strings.TrimPrefix(err.Error(), outbox.ErrInvalid.Error()+": ")))
			return nil
		}
		if err != nil {
			return err
		}
		return done(w, r, v, "admin/webhooks", code)
	}
}

// The webhook buttons, run through webhookAction.

func (c *server) sendTest(ctx context.Context, v *viewer, id string) error {
	return c.d.Outbox.Test(ctx, v.actor(), v.mp.ID, id)
}

func (c *server) disableSubscription(ctx context.Context, v *viewer, id string) error {
	return c.d.Outbox.Unsubscribe(ctx, v.actor(), v.mp.ID, id)
}

func (c *server) retryDelivery(ctx context.Context, v *viewer, id string) error {
	return c.d.Outbox.Retry(ctx, v.actor(), v.mp.ID, id)
}

// --- Users ------------------------------------------------------------------

// userView is a console user without the password hash.
type userView struct {
	Username, Role string
	// Marketplace names the user's marketplace, or is empty for operators.
	Marketplace           string
	CreatedAt, DisabledAt time.Time
}

type usersData struct {
	form
	Users       []userView
	Roles       []user.Role
	MinPassword int
	// Marketplaces are the choices for a new user's marketplace, offered
	// to operator admins only; others create users in their own.
	Operator     bool
	Marketplaces []store.Marketplace
	Created      *userView
}

// marketplaceNames maps the marketplaces v can see to their names.
func marketplaceNames(v *viewer) map[string]string {
	names := make(map[string]string, len(v.mps)+1)
	for _, m := range v.mps {
		names[m.ID] = m.Name
	}
	if v.mp != nil {
		names[v.mp.ID] = v.mp.Name
	}
	return names
}

// newUserView hides the password hash and names the user's marketplace.
func newUserView(u store.User, names map[string]string) userView {
	return userView{Username: u.Username, Role: u.Role, Marketplace: names[u.MarketplaceID],
		CreatedAt: u.CreatedAt, DisabledAt: u.DisabledAt}
}

// loadUsers lists the users an admin may see: every user for an
// operator, the users of their own marketplace otherwise.
func (c *server) loadUsers(ctx context.Context, v *viewer) (usersData, error) {
	all, err := c.d.DB.Users(ctx)
	if err != nil {
		return usersData{}, err
	}
	d := usersData{Roles: user.Roles(), MinPassword: user.MinPasswordLen, Operator: v.operator(), Marketplaces: v.mps}
	names := marketplaceNames(v)
	for _, u := range all {
		if v.operator() || u.MarketplaceID == v.user.MarketplaceID {
			d.Users = append(d.Users, newUserView(u, names))
		}
	}
	return d, nil
}

func (c *server) users(w http.ResponseWriter, r *http.Request, v *viewer) error {
	d, err := c.loadUsers(r.Context(), v)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "users", d)
}

// addUser creates the user the form describes. Operator admins choose the
// marketplace (none: another operator); marketplace admins add users to
// their own.
func (c *server) addUser(r *http.Request, v *viewer) (store.User, error) {
	mp := v.user.MarketplaceID
	if v.operator() {
		mp = r.PostFormValue("marketplace_id")
		if mp != "" && !slices.ContainsFunc(v.mps, func(m store.Marketplace) bool { return m.ID == mp }) {
			return store.User{}, fmt.Errorf("%w: choose a marketplace from the list", user.ErrInvalid)
		}
	}
	return c.d.Users.Create(r.Context(), v.actor(), r.PostFormValue("username"), r.PostFormValue("password"),
		user.Role(r.PostFormValue("role")), mp)
}

func (c *server) createUser(w http.ResponseWriter, r *http.Request, v *viewer) error {
	created, err := c.addUser(r, v)
	status, f, err := outcome(err, "That username is taken. Choose another.")
	if err != nil {
		return err
	}
	d, err := c.loadUsers(r.Context(), v)
	if err != nil {
		return err
	}
	d.form = f
	if status == http.StatusOK {
		cv := newUserView(created, marketplaceNames(v))
		d.Created = &cv
	} else {
		// Refill the form, but never with the password.
		d.Values = url.Values{"username": {r.PostFormValue("username")}, "role": {r.PostFormValue("role")},
			"marketplace_id": {r.PostFormValue("marketplace_id")}}
	}
	return c.render(w, r, status, "users", d)
}
