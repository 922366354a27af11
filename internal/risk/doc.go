// Package risk turns what accounts do into fraud signals and an explained
// risk score (R-F1–R-F6).
//
// It works in three steps, all pure (no I/O, no clock: the time is an
// argument):
//
//   - [Touches] says which accounts an event concerns and in which role;
//     [State.Apply] folds the event into each account's [State], a small
//     record of counters and recent evidence that ingestion keeps up to
//     date event by event, in constant work per event.
//   - [Evaluate] reads a State, plus a [Context] of facts that span
//     accounts (links, IP bursts, shared buyers) which the service layer
//     looks up, and returns every [Signal] with its evidence, fired or not.
//   - [Score] weighs the fired signals and the linked peers' scores by the
//     policy into a 0–100 score whose [Explanation] lists each
//     contribution; the contributions add up to the score exactly.
//
// The score is an input for people, never a verdict (R-P2): nothing in this
// package acts on an account. It is private (R-P5): never put it on a
// public endpoint.
package risk
