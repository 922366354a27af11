// Package webhook signs and delivers outgoing webhooks following the Standard
// Webhooks specification and guards their targets against SSRF.
//
// The package keeps no state and has no database code: callers store
// subscriptions and delivery records, call [Guard.CheckURL] when an endpoint
// is registered, and send through a [Sender] whose client comes from
// [Guard.Client], so the address policy is enforced again at connect time.
package webhook
