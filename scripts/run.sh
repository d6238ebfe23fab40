#!/usr/bin/env bash
# Set up and serve on 127.0.0.1:8000: virtualenv, install, migrate an SQLite file in ./data,
# load the demo district, print how to get a token, then serve.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export LIANJIAN_DATA_DIR=${LIANJIAN_DATA_DIR:-data}
.venv/bin/lianjian migrate
.venv/bin/lianjian seed-demo
cat <<'TXT'

Lianjian is starting on http://127.0.0.1:8000 (OpenAPI UI: http://127.0.0.1:8000/docs).
Get a token for a demo account (password lianjian-demo) and call the API:

  TOKEN=$(curl -s -X POST http://127.0.0.1:8000/api/v1/auth/token \
    -H 'Content-Type: application/json' \
    -d '{"username": "district_admin", "password": "lianjian-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -s -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:8000/api/v1/orgs?kind=park'

Other demo accounts: street_admin, park_admin, branch_secretary, member, enterprise_contact,
analyst (GraphQL at http://127.0.0.1:8000/graphql).
TXT
exec .venv/bin/lianjian serve --host 127.0.0.1 --port 8000
