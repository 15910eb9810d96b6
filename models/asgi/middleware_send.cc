#include "models/asgi/middleware_send.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "models/asgi/events.h"

namespace models {
namespace {

// The record's return time and what the connection was by then.
void Stamp(SendRecord& rec, const Outcome& o, sim::Time now) {
  rec.time = now;
  rec.after_client_close = o.client_closed <= now;
  rec.after_server_notice = o.server_noticed <= now;
}

}  // namespace

sim::Task<SendReturn> SendAsMiddleware(AppContext& ctx, const char* from,
                                       Channel& channel, Message message) {
  Outcome& o = ctx.outcome;
  SendRecord rec;
  rec.from = from;
  rec.message = message;
  rec.start = ctx.executor.Now();
  SendReturn r;
  try {
    r = co_await channel.Send(message);
  } catch (...) {
    rec.raised = true;
    rec.error = py::Describe(std::current_exception());
    Stamp(rec, o, ctx.executor.Now());
    ctx.executor.Record(kEvSendRaised, static_cast<int64_t>(message.type),
                        message.seq, [&] {
                          return absl::StrCat(from, ": ", message.ToString(),
                                              " raised ", rec.error.type);
                        });
    o.middleware_sends.push_back(std::move(rec));
    throw;
  }
  rec.kind = r.kind;
  rec.wire_tag = r.wire_tag;
  rec.claimed_delivered = r.kind == SendReturnKind::kResult && r.delivered;
  if (r.kind == SendReturnKind::kFuture && r.future && r.future->done()) {
    rec.future_resolved = true;
    rec.claimed_delivered = r.future->result();
  }
  Stamp(rec, o, ctx.executor.Now());
  ctx.executor.Record(
      kEvMiddlewareSend, static_cast<int64_t>(message.type), message.seq,
      [&] { return absl::StrCat(from, ": ", message.ToString()); });
  o.middleware_sends.push_back(std::move(rec));
  co_return r;
}

}  // namespace models
