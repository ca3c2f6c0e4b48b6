package metrics

import (
	"testing"
	"time"
)

// BenchmarkAck measures the hot path: one envelope's ack time into its kind's histogram, as
// the Socket Mode reader records it for every envelope.
func BenchmarkAck(b *testing.B) {
	m := New("bench")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Ack("slash_commands", 700*time.Microsecond)
		}
	})
}

// BenchmarkCognitoCall measures a call with two labels and an error counted.
func BenchmarkCognitoCall(b *testing.B) {
	m := New("bench")
	b.ReportAllocs()
	for b.Loop() {
		m.CognitoCall("AdminResetUserPassword", 40*time.Millisecond, "TooManyRequestsException")
	}
}
