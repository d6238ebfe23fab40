.PHONY: run test

# Set up and serve on 127.0.0.1:8000 with an SQLite file and demo data.
run:
	@scripts/run.sh

# Set up and run all tests (SQLite and PostgreSQL).
test:
	@scripts/test.sh
