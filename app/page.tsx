// page.tsx - the home page: every lesson with its length and the learner's progress.
import { LessonList } from './components/LessonList.tsx';

export default function Home() {
  return (
    <div className="page narrow">
      <section className="intro">
        <h1>Containers, with glass walls</h1>
        <p>
          Each lesson gives you a real Linux container and a shell inside it. Beside the shell you see what the kernel
          does to that container as you type: its namespaces, its cgroup files, its overlay upper dir, the syscalls its
          seccomp filter denies. Nothing is simulated.
        </p>
      </section>
      <LessonList />
    </div>
  );
}
