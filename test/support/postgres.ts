/**
 * The PostgreSQL the tests run against (`ORDERCTL_TEST_POSTGRES_URL`, else the local one with trust
 * auth); the database is created on first use. Nothing listening there fails the tests, never skips them.
 */
export const POSTGRES_TEST_URL = process.env.ORDERCTL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/orderctl_test';
