package zai_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func ExampleModelService_List() {
	srv := zaitest.Start()
	defer srv.Close()

	list, err := srv.Client().Models.List(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range list.Data[:3] {
		fmt.Println(m.ID, m.OwnedBy)
	}
	// Output:
	// glm-4.5 z-ai
	// glm-4.5-air z-ai
	// glm-4.6 z-ai
}

// A day of the GLM Coding Plan's usage, in the plan's time zone (UTC+8).
var usageWindow = zai.UsageRequest{
	Start: time.Date(2026, 3, 1, 0, 0, 0, 0, zai.CodingPlanTimeZone),
	End:   time.Date(2026, 3, 1, 23, 59, 59, 0, zai.CodingPlanTimeZone),
}

func ExampleCodingPlanService_GetQuota() {
	srv := zaitest.Start()
	defer srv.Close()
	// With a real key: zai.NewClient(zai.WithBaseURL(zai.CodingBaseURL)).
	client := srv.Client()

	quota, err := client.CodingPlan.GetQuota(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("plan:", quota.Level)
	for _, l := range quota.Limits {
		fmt.Printf("%s %.0f%% used\n", l.Type, l.Percentage)
	}
	// Output:
	// plan: pro
	// TOKENS_LIMIT 30% used
	// TOKENS_LIMIT 12% used
	// TIME_LIMIT 4% used
}

func ExampleCodingPlanService_GetModelUsage() {
	srv := zaitest.Start()
	defer srv.Close()

	usage, err := srv.Client().CodingPlan.GetModelUsage(context.Background(), usageWindow)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(usage.Granularity, len(usage.XTime), "buckets")
	for _, m := range usage.TotalUsage.ModelSummaryList {
		fmt.Println(m.ModelName, m.TotalTokens, "tokens")
	}
	// Output:
	// hourly 24 buckets
	// GLM-4.7 180000 tokens
}

func ExampleCodingPlanService_GetToolUsage() {
	srv := zaitest.Start()
	defer srv.Close()

	usage, err := srv.Client().CodingPlan.GetToolUsage(context.Background(), usageWindow)
	if err != nil {
		log.Fatal(err)
	}
	t := usage.TotalUsage
	fmt.Println("searches:", t.TotalNetworkSearchCount, "reads:", t.TotalWebReadMcpCount, "zread:", t.TotalZreadMcpCount)
	// Output:
	// searches: 24 reads: 12 zread: 5
}

func ExampleClient_Do() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// An endpoint through the same core as every method: auth, retries,
	// errors as *zai.APIError. The path is relative to the base URL; one
	// starting with /api/ is relative to the host.
	var out struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := client.Do(ctx, http.MethodGet, "/models", nil, &out); err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Data[0].ID)

	var raw []byte // the body as it came
	if err := client.Do(ctx, http.MethodGet, "/api/monitor/usage/quota/limit", nil, &raw); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(raw) > 0)
	// Output:
	// glm-4.5
	// true
}
