/* A byte-at-a-time state machine over an HTTP request head: method, path, version, header
 * names and values, a decimal Content-Length, and a count of headers. A switch on the state
 * inside the loop, character-class tests, and a few values carried across iterations. */
#include "bench.h"

enum state { S_METHOD, S_PATH, S_VERSION, S_LINE_END, S_NAME, S_VALUE_START, S_VALUE, S_DONE, S_ERROR };

/* Results packed as: content length (32 bits) | headers << 32 | method << 40 | path hash << 48 */
u64 http_fsm(const u8 *s, u32 n);

#ifndef BENCH_DRIVER

static inline u32 lower(u32 c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

u64 http_fsm(const u8 *s, u32 n)
{
	enum state st = S_METHOD;
	u32 method = 0, path_hash = 0, headers = 0, length = 0;
	u32 name_hash = 0;
	int in_length = 0;
	for (u32 i = 0; i < n && i < 2048 && st < S_DONE; i++) {
		u32 c = s[i];
		switch (st) {
		case S_METHOD:
			if (c == ' ')
				st = S_PATH;
			else if (c >= 'A' && c <= 'Z')
				method = method * 31 + c;
			else
				st = S_ERROR;
			break;
		case S_PATH:
			if (c == ' ')
				st = S_VERSION;
			else if (c <= ' ' || c >= 127)
				st = S_ERROR;
			else
				path_hash = (path_hash ^ c) * 16777619u;
			break;
		case S_VERSION:
			if (c == '\r')
				st = S_LINE_END;
			else if (c != '/' && c != '.' && (c < '0' || c > '9') && (c < 'A' || c > 'Z'))
				st = S_ERROR;
			break;
		case S_LINE_END:
			st = c == '\n' ? S_NAME : S_ERROR;
			break;
		case S_NAME:
			if (c == '\r') {
				st = S_LINE_END;
				if (name_hash == 0)
					st = S_DONE; /* the blank line ends the head */
			} else if (c == ':') {
				in_length = name_hash == 0x90bb30a4u; /* "content-length" */
				headers++;
				st = S_VALUE_START;
			} else {
				name_hash = (name_hash ^ lower(c)) * 16777619u;
			}
			break;
		case S_VALUE_START:
			if (c == ' ')
				break;
			st = S_VALUE;
			/* fall through */
		case S_VALUE:
			if (c == '\r') {
				st = S_LINE_END;
				name_hash = 0;
			} else if (in_length) {
				if (c < '0' || c > '9' || length > 100000000u)
					st = S_ERROR;
				else
					length = length * 10 + (c - '0');
			}
			break;
		default:
			break;
		}
	}
	if (st != S_DONE)
		return 0;
	return length | (u64)headers << 32 | (u64)(method & 0xff) << 40 | (u64)(path_hash & 0xffff) << 48;
}

#else

static const char request[] =
	"POST /api/v1/sensors/upload HTTP/1.1\r\n"
	"Host: gateway.local\r\n"
	"User-Agent: fw/2.4\r\n"
	"Content-Type: application/octet-stream\r\n"
	"Content-Length: 18342\r\n"
	"\r\n";

void bench_setup(void) {}

u64 bench_run(void) { return http_fsm((const u8 *)request, sizeof request - 1); }

#endif
