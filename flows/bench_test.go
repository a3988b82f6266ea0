package flows_test

import (
	"testing"
	"time"

	"github.com/puente-bot/puente/directory"

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

// BenchmarkStepReferral measures a step onto a referral screen: the engine's
// own work, with a directory that answers at once (the directory's ranking is
// measured by its own benchmark).
func BenchmarkStepReferral(b *testing.B) {
	once := fixedRanker(fakeRanker{n: 5}.Rank(directory.Profile{Need: "domestic_abuse", Lang: "es"}, now))
	ss := &session{t: b, e: newEngineWith(b, once, flows.Config{})}
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

// fixedRanker answers every profile with the same matches.
type fixedRanker []directory.Match

func (f fixedRanker) Rank(directory.Profile, time.Time) []directory.Match { return f }
