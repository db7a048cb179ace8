/** Socket.IO room names. Every gateway instance forwards events to its own members of these rooms. */
export const Rooms = {
  user: (userId: string) => `user:${userId}`,
  /** Students enrolled in a course. */
  enrolled: (courseId: string) => `course:${courseId}:students`,
  /** Teachers of a course. */
  teaching: (courseId: string) => `course:${courseId}:teachers`,
};
