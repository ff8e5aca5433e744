package app

import (
	"context"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// InventoryStore is the inventory store as apply and the inventory command
// use it.
type InventoryStore interface {
	deploy.Store
	GetVersion(ctx context.Context, env string, n int64) (*inventory.Document, inventory.Version, error)
	History(ctx context.Context, env string) ([]inventory.Version, error)
	Acquire(ctx context.Context, env, holder string, ttl time.Duration) (*inventory.Claim, error)
}

// storeFactory opens the inventory store the configuration names.
type storeFactory func(ctx context.Context, cfg *config.Config) (InventoryStore, error)
