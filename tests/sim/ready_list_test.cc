// ReadyList: PushFront makes a task option 0, PushBack the last option, Take
// and Remove keep the order of the others, and all of it holds past the
// inline capacity (checked against a std::deque model).
#include "sim/ready_list.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <deque>
#include <vector>

#include "gtest/gtest.h"
#include "sim/prng.h"
#include "sim/task.h"

namespace sim {
namespace {

// Tasks only serve as distinct addresses; the list never touches them.
class ReadyListTest : public ::testing::Test {
 protected:
  ReadyListTest() {
    for (size_t i = 0; i < tasks_.size(); ++i) {
      tasks_[i].id = static_cast<TaskId>(i);
    }
  }
  TaskState* T(size_t i) { return &tasks_[i]; }

  // The options in order, as task ids.
  static std::vector<TaskId> Options(const ReadyList& list) {
    std::vector<TaskId> ids;
    for (size_t i = 0; i < list.size(); ++i) ids.push_back(list[i]->id);
    return ids;
  }

  std::array<TaskState, 200> tasks_;
};

using Ids = std::vector<TaskId>;

TEST_F(ReadyListTest, StartsEmpty) {
  ReadyList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
}

TEST_F(ReadyListTest, HeaderExamplePushBackPushFrontThenTake) {
  ReadyList list;
  list.PushBack(T(0));   // a
  list.PushFront(T(1));  // b
  EXPECT_EQ(Options(list), (Ids{1, 0}));
  EXPECT_EQ(list.Take(1), T(0));
  EXPECT_EQ(Options(list), (Ids{1}));
  EXPECT_FALSE(list.empty());
}

TEST_F(ReadyListTest, PushFrontMakesTheTaskOptionZero) {
  ReadyList list;
  for (size_t i = 0; i < 4; ++i) list.PushFront(T(i));
  EXPECT_EQ(Options(list), (Ids{3, 2, 1, 0}));
  EXPECT_EQ(list[0], T(3));
}

TEST_F(ReadyListTest, PushBackMakesTheTaskTheLastOption) {
  ReadyList list;
  for (size_t i = 0; i < 4; ++i) list.PushBack(T(i));
  EXPECT_EQ(Options(list), (Ids{0, 1, 2, 3}));
  EXPECT_EQ(list[list.size() - 1], T(3));
}

TEST_F(ReadyListTest, TakeReturnsTheOptionAndKeepsTheOthersInOrder) {
  ReadyList list;
  for (size_t i = 0; i < 5; ++i) list.PushBack(T(i));  // [0 1 2 3 4]
  EXPECT_EQ(list.Take(2), T(2));                       // middle
  EXPECT_EQ(Options(list), (Ids{0, 1, 3, 4}));
  EXPECT_EQ(list.Take(0), T(0));  // option 0
  EXPECT_EQ(Options(list), (Ids{1, 3, 4}));
  EXPECT_EQ(list.Take(2), T(4));  // last option
  EXPECT_EQ(Options(list), (Ids{1, 3}));
  EXPECT_EQ(list.Take(1), T(3));
  EXPECT_EQ(list.Take(0), T(1));
  EXPECT_TRUE(list.empty());
}

TEST_F(ReadyListTest, RemoveTakesTheTaskOutAndKeepsTheOthersInOrder) {
  ReadyList list;
  for (size_t i = 0; i < 4; ++i) list.PushBack(T(i));
  list.Remove(T(2));
  EXPECT_EQ(Options(list), (Ids{0, 1, 3}));
  list.Remove(T(0));
  EXPECT_EQ(Options(list), (Ids{1, 3}));
}

TEST_F(ReadyListTest, RemoveOfAnAbsentTaskChangesNothing) {
  ReadyList list;
  list.Remove(T(7));  // empty list
  EXPECT_TRUE(list.empty());
  list.PushBack(T(0));
  list.PushBack(T(1));
  list.Remove(T(7));
  EXPECT_EQ(Options(list), (Ids{0, 1}));
}

TEST_F(ReadyListTest, RemoveTakesOnlyTheFirstOccurrence) {
  ReadyList list;
  list.PushBack(T(5));
  list.PushBack(T(1));
  list.PushBack(T(5));
  list.Remove(T(5));
  EXPECT_EQ(Options(list), (Ids{1, 5}));
  list.Remove(T(5));
  EXPECT_EQ(Options(list), (Ids{1}));
}

// Past the inline capacity (16) and several doublings, from either end.
TEST_F(ReadyListTest, KeepsOrderWhileGrowing) {
  ReadyList back;
  ReadyList front;
  for (size_t i = 0; i < 100; ++i) {
    back.PushBack(T(i));
    front.PushFront(T(i));
  }
  ASSERT_EQ(back.size(), 100u);
  ASSERT_EQ(front.size(), 100u);
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(back[i], T(i)) << i;
    EXPECT_EQ(front[i], T(99 - i)) << i;
  }
}

// Random mixes of every operation agree with a deque holding the options in
// order. Pushes outweigh removals below 80 options and removals outweigh
// pushes above, so each run grows past the inline capacity (16) and two
// doublings, then shrinks and grows around 80.
TEST_F(ReadyListTest, AgreesWithADequeModel) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Prng prng(seed);
    ReadyList list;
    std::deque<TaskState*> model;
    size_t next = 0;
    size_t largest = 0;
    for (int step = 0; step < 2000; ++step) {
      // Small: 0 take, 1 remove, 2..4 push; large: 0 take, 1 remove, 2 push.
      const uint64_t op = prng.Below(model.size() < 80 ? 5 : 3);
      if (op == 0 && !model.empty()) {
        const size_t i = prng.Below(model.size());
        ASSERT_EQ(list.Take(i), model[i])
            << "seed " << seed << " step " << step;
        model.erase(model.begin() + static_cast<ptrdiff_t>(i));
      } else if (op == 1) {
        TaskState* t = T(prng.Below(tasks_.size()));  // maybe absent
        list.Remove(t);
        for (auto it = model.begin(); it != model.end(); ++it) {
          if (*it == t) {
            model.erase(it);
            break;
          }
        }
      } else {
        TaskState* t = T(next++ % tasks_.size());
        if (prng.Below(2) == 0) {
          list.PushFront(t);
          model.push_front(t);
        } else {
          list.PushBack(t);
          model.push_back(t);
        }
      }
      largest = std::max(largest, model.size());
      ASSERT_EQ(list.size(), model.size())
          << "seed " << seed << " step " << step;
      ASSERT_EQ(list.empty(), model.empty());
      for (size_t i = 0; i < model.size(); ++i) {
        ASSERT_EQ(list[i], model[i])
            << "seed " << seed << " step " << step << " option " << i;
      }
    }
    EXPECT_GT(largest, 64u) << "seed " << seed;
  }
}

}  // namespace
}  // namespace sim
