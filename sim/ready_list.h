// The executor's ready list: task pointers in option order, stored reversed
// (option 0 last in memory) so that the commonest push, a yielding task
// becoming option 0, is an append. A woken task becomes the last option (an
// insert at the array's start). Taking an element shifts the ones after it in
// memory with a fixed-trip-count select loop, so a random pick costs no branch
// misprediction (the random walk's choices are unpredictable by design).
//
//   ReadyList ready;
//   ready.PushBack(a);  ready.PushFront(b);   // options [b, a]
//   TaskState* t = ready.Take(1);             // a; options [b]
//
// Thread-safety: none; owned by one executor.
#ifndef HANGUP_SIM_READY_LIST_H_
#define HANGUP_SIM_READY_LIST_H_

#include <cstddef>
#include <memory>

namespace sim {

struct TaskState;

class ReadyList {
 public:
  ReadyList() = default;
  ReadyList(const ReadyList&) = delete;
  ReadyList& operator=(const ReadyList&) = delete;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Option `i`. REQUIRES: i < size().
  TaskState* operator[](size_t i) const { return data_[size_ - 1 - i]; }

  // Makes `t` the last option.
  void PushBack(TaskState* t) {
    if (size_ == capacity_) Grow();
    TaskState* carry = t;  // a carried swap, not a memmove call
    for (size_t k = 0; k < size_; ++k) {
      TaskState* next = data_[k];
      data_[k] = carry;
      carry = next;
    }
    data_[size_++] = carry;  // the free slot is written, never read
  }
  // Makes `t` option 0.
  void PushFront(TaskState* t) {
    if (size_ == capacity_) Grow();
    data_[size_++] = t;
  }
  // Removes and returns option `index`, keeping the order of the others.
  // REQUIRES: index < size().
  TaskState* Take(size_t index) {
    const size_t at = size_ - 1 - index;
    TaskState* t = data_[at];
    const size_t last = size_ - 1;
    for (size_t k = 0; k < last; ++k) {
      data_[k] = data_[k + static_cast<size_t>(k >= at)];  // no branch
    }
    size_ = last;
    return t;
  }
  // Removes the first occurrence of `t`, if any.
  void Remove(TaskState* t) {
    for (size_t i = 0; i < size_; ++i) {
      if ((*this)[i] == t) {
        Take(i);
        return;
      }
    }
  }

 private:
  static constexpr size_t kInline = 16;

  void Grow() {
    auto bigger = std::make_unique<TaskState*[]>(capacity_ * 2);
    for (size_t k = 0; k < size_; ++k) bigger[k] = data_[k];
    heap_ = std::move(bigger);
    data_ = heap_.get();
    capacity_ *= 2;
  }

  TaskState* inline_[kInline];
  std::unique_ptr<TaskState*[]> heap_;
  TaskState** data_ = inline_;
  size_t size_ = 0;
  size_t capacity_ = kInline;
};

}  // namespace sim

#endif  // HANGUP_SIM_READY_LIST_H_
