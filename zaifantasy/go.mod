module github.com/zai-go/zai/zaifantasy

go 1.27.3

require (
	charm.land/fantasy v0.48.0
	charm.land/x/vcr v0.1.1
	github.com/joho/godotenv v1.5.1
	github.com/stretchr/testify v1.12.1
	github.com/zai-go/zai v0.0.0-20261207010732-62a0674cd4d0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/charmbracelet/x/exp/slice v0.1.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	github.com/go-viper/mapstructure/v2 v2.5.0 // indirect
	github.com/goccy/go-yaml v1.19.2 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/google/jsonschema-go v0.4.3 // indirect
	github.com/kaptinlin/jsonpointer v0.4.28 // indirect
	github.com/kaptinlin/jsonschema v0.9.10 // indirect
	github.com/yosida95/uritemplate/v3 v3.0.2 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	go.yaml.in/yaml/v4 v4.0.0-rc.3 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	gopkg.in/dnaeon/go-vcr.v4 v4.0.6-0.20251110073552-01de4eb40290 // indirect
)

replace github.com/zai-go/zai => ../
