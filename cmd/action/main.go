// Command tierdeploy plans and applies two-tier infrastructure repositories.
// This file is wiring only: the process environment and the real adapters go
// in, the exit code comes out.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/tierdeploy/tierdeploy/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, deps(os.Args[1:]))
	stop()
	os.Exit(code)
}
