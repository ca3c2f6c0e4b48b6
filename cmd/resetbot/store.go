package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/sqlite"
)

// storeOpeners open a store by its URL's scheme; storeSchemes in storeurl.go lists the same
// schemes with what they expect after the colon.
var storeOpeners = map[string]func(ctx context.Context, u StoreURL, log *slog.Logger) (approval.Store, error){
	"sqlite": func(ctx context.Context, u StoreURL, log *slog.Logger) (approval.Store, error) {
		return sqlite.Open(ctx, u.Path, log)
	},
}

// openStore opens the store the configuration names.
func openStore(ctx context.Context, u StoreURL, log *slog.Logger) (approval.Store, error) {
	open, ok := storeOpeners[u.Scheme]
	if !ok {
		return nil, fmt.Errorf("store %s: scheme %q is not supported", u, u.Scheme)
	}
	s, err := open(ctx, u, log)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", u, err)
	}
	return s, nil
}
