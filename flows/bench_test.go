package flows_test

import (
	"testing"

	"github.com/puente-bot/puente/flows"
)

// BenchmarkStep measures one engine step: a button press that moves to
// another node and renders it.
func BenchmarkStep(b *testing.B) {
	ss := &session{t: b, e: newEngine(b, flows.Config{})}
	ss.start("es")
	tok, _ := ss.button("En casa")
	s := ss.s
	ev := flows.Event{Kind: flows.EventButton, Token: tok.Token, Now: now}
	b.ReportAllocs()
	for b.Loop() {
		ss.e.Step(s, ev)
	}
}

// BenchmarkStepReferral measures a step onto a referral screen, ranking
// included (with a fake directory).
func BenchmarkStepReferral(b *testing.B) {
	ss := &session{t: b, e: newEngine(b, flows.Config{})}
	ss.start("es")
	ss.press("En casa")
	ss.press("Buscar ayuda")
	tok, _ := ss.button("Londres")
	s := ss.s
	ev := flows.Event{Kind: flows.EventButton, Token: tok.Token, Now: now}
	b.ReportAllocs()
	for b.Loop() {
		ss.e.Step(s, ev)
	}
}
