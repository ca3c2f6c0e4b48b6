// Package stacktest measures goroutine stacks for the tests that hold the bot's deepest waits
// to a stack size: how far apart two points of one goroutine's stack are, and whether a call
// grew the stack. Go grows a stack by copying it to a new place twice its size, so a stack that
// grew is one whose locals moved.
//
// The measures hold only while nothing else moves the stack: run them with the collector off
// (debug.SetGCPercent(-1)), which may shrink a stack and move it too, and without the race
// detector, whose frames are larger than a build's.
package stacktest

import "unsafe"

// Here is where the caller's stack is now: the address of a local of Here's own frame, one
// frame below the caller's. Two calls on one goroutine are as far apart as the frames between
// their callers, while the stack does not move.
//
//go:noinline
func Here() uintptr {
	var here byte
	return uintptr(unsafe.Pointer(&here))
}

// Moves reports whether the calling goroutine's stack moved while f ran: Go moves a stack it
// grows.
//
//go:noinline
func Moves(f func()) bool {
	before := Here()
	f()
	return Here() != before
}

// Use calls then, if given, under about kib KiB of frames of 1 KiB of locals each, and
// returns: the goroutine's stack keeps the size it grew to. What it returns is of no use but
// to keep the compiler from dropping the frames' locals.
//
//go:noinline
func Use(kib int, then ...func()) byte {
	var locals [1024]byte
	if kib <= 1 {
		for _, f := range then {
			f()
		}
		return 0
	}
	locals[kib%len(locals)] = byte(kib)
	return Use(kib-1, then...) + locals[0]
}
